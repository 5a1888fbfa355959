// Entry point of dist/resource.js: `/opt/resource/{check,in,out}` link or wrap it.
import { runResource } from '@hangar/resource-sdk';
import { s3Resource } from './s3-resource.js';

runResource(s3Resource);
