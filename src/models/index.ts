/** The model registry: each Segmind model's parameters as data, and what is derived from them. Isomorphic. */
export * from './enums';
export * from './field-spec';
export * from './consistent-character-v1';
export * from './consistent-character-v3';
export * from './consistent-character-with-pose';
export * from './consistent-character-workflow';
export * from './outputs';
export * from './registry';
export * from './validate-params';
export * from './defaults';
export * from './compose-prompt';
export * from './request-body';
