import { runResource } from '@hangar/resource-sdk';
import { terraformResource } from './resource.js';

runResource(terraformResource);
