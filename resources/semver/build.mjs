// Builds the package: dist/lib (types and library), dist/resource.js (the bundle that
// /opt/resource/{check,in,out} run) and schema/*.json from the definition's zod schemas.
import { buildResourcePackage } from '@hangar/resource-sdk/bundle';

await buildResourcePackage(import.meta.dirname);
