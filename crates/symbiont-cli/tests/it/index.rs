//! Tests of `symbiont index`.
