// Entry point of dist/resource.js: `/opt/resource/{check,in,out}` link or wrap it.
import { runResource } from '@hangar/resource-sdk';
import { s3Resource } from './resource.js';

runResource(s3Resource);
