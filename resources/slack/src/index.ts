// Entry point of the bundle: /opt/resource/{check,in,out}.
import { runResource } from '@hangar/resource-sdk';
import { slackResource } from './definition.js';

runResource(slackResource);
