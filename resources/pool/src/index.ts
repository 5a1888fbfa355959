// Entry point of the bundle: /opt/resource/{check,in,out}.
import { runResource } from '@hangar/resource-sdk';
import { poolResource } from './pool-resource.js';

runResource(poolResource);
