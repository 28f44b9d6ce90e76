//! Tests of `symbiont simulate`.
