//! Revision diff (being written).
