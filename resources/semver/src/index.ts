// Entry point of the bundle: /opt/resource/{check,in,out}.
import { runResource } from '@hangar/resource-sdk';
import { semverResource } from './semver-resource.js';

runResource(semverResource);
