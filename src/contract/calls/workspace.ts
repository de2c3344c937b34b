/** Characters, pose libraries, results, trash and export (filled in by the workspace work). */
export const workspaceCalls = {};
