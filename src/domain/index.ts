export * from './ids';
export * from './errors';
export * from './project';
export * from './settings';
export * from './character';
export * from './pose';
export * from './result';
export * from './job';
