// Entry point of the bundle: /opt/resource/{check,in,out}.
import { runResource } from '@hangar/resource-sdk';
import { githubReleaseResource } from './definition.js';

runResource(githubReleaseResource);
