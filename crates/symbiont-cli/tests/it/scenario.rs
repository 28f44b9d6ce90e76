//! Tests of `symbiont scenario`.
