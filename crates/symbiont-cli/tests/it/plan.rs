//! Tests of `symbiont plan`.
