// Synth-time guards for both targets (plaintext values, data loss). Filled in by the guard work.
export {};
