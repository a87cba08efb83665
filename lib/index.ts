export * as core from './core';
export * as aws from './aws';
export * as vault from './vault';
export * as guard from './guard';
