/** The longest wait for one condition of a test or scenario step (a node writable, a line printed, a daemon ready). */
export const STEP_TIMEOUT_MS = 30_000
/** A one-shot CLI command (or any short child process) is killed if it runs longer than this. */
export const COMMAND_TIMEOUT_MS = 60_000
/** The longest wait for nodes (or a cluster's daemons) to reach one head: convergence after a merge, a heal, a last kill. */
export const CONVERGE_TIMEOUT_MS = 60_000
