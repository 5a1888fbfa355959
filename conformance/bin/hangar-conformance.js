#!/usr/bin/env node
// Committed, so that npm links `hangar-conformance` at install time (dist/ appears only with
// `npm run build`, after npm has linked the bins).
import '../dist/bin.js';
