//! The local SQLite store. (Being built.)
