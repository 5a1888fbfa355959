// Setups for conformance/cases/pool: `git-remote` serves the case's repositories with a git daemon.
//   hangar-conformance --cmd "node $PWD/resources/pool/dist/resource.js" \
//     --setups resources/pool/conformance-setups.mjs --case conformance/cases/pool
import { getSetup } from '@hangar/conformance';
import { gitRemoteSetup } from '@hangar/testkit';

export const setups = { 'git-remote': gitRemoteSetup(getSetup('command')) };
