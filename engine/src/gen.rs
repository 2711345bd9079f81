//! Claim generator (being written).
