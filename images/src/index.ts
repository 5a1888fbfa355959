export * from './lock.js';
export * from './specs.js';
export * from './layers.js';
export * from './build.js';
export * from './distribute.js';
export { hangarCacheDir } from './inputs.js';
export { ARCHES, hostArch, parsePlatforms, type Arch } from './recipe.js';
