/** Key, credits, generation and the job queue (filled in by the generation work). */
export const generationCalls = {};
