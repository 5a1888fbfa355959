// Setups for conformance/cases/git: `git-remote` serves the case's repositories with a git daemon.
//   hangar-conformance --cmd "node $PWD/resources/git/dist/resource.js" \
//     --setups resources/git/conformance-setups.mjs --case conformance/cases/git
import { getSetup } from '@hangar/conformance';
import { gitRemoteSetup } from '@hangar/testkit';

export const setups = { 'git-remote': gitRemoteSetup(getSetup('command')) };
