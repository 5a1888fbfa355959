// Entry point of the bundle: /opt/resource/{check,in,out}.
import { runResource } from '@hangar/resource-sdk';
import { gitResource } from './git-resource.js';

runResource(gitResource);
