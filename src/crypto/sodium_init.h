#pragma once

namespace secinfo::crypto::internal {

// Runs sodium_init() once per process. Every entry point of this area that calls libsodium calls
// this first. Thread-safe. Aborts the process if libsodium cannot initialize (no usable entropy
// source), because no secret could be produced or checked safely afterwards.
void EnsureSodium();

}  // namespace secinfo::crypto::internal
