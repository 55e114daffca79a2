//! Waiters for myaws clients.
