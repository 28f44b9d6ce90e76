//! Invariants (proptest): reciprocity and symmetric graphs, the class of stars and of one-way
//! bipartite flows, and betweenness facts that hold on every graph.

use proptest::prelude::*;
use symbiont_network::{
    Digraph, MetricOptions, PathLength, StructureClass, analyze, betweenness, core_periphery, gini,
    herfindahl, louvain, reciprocity, two_way_index,
};

/// A random digraph on `2..20` nodes with weights in `1..=8`.
fn digraph() -> impl Strategy<Value = Digraph> {
    (2usize..20).prop_flat_map(|n| {
        prop::collection::vec((0..n, 0..n, 1u8..=8), 1..60).prop_map(move |edges| {
            let labels = (0..n).map(|i| i.to_string()).collect();
            Digraph::from_weighted_edges(
                labels,
                edges.into_iter().map(|(s, t, w)| (s, t, f64::from(w))),
            )
        })
    })
}

fn reversed(g: &Digraph) -> Digraph {
    Digraph::from_weighted_edges(g.labels().to_vec(), g.edges().map(|(s, t, w)| (t, s, w)))
}

fn symmetrised(g: &Digraph) -> Digraph {
    // Each pair gets the same total both ways: w_st + w_ts in each direction.
    let edges: Vec<_> = g.edges().flat_map(|(s, t, w)| [(s, t, w), (t, s, w)]).collect();
    Digraph::from_weighted_edges(g.labels().to_vec(), edges)
}

proptest! {
    #[test]
    fn symmetric_graphs_are_fully_reciprocal(g in digraph()) {
        let s = symmetrised(&g);
        prop_assume!(s.edge_count() > 0);
        prop_assert_eq!(reciprocity(&s), 1.0);
        prop_assert!((two_way_index(&s) - 1.0).abs() < 1e-12);
    }

    #[test]
    fn reciprocity_is_one_only_for_graphs_equal_to_their_reverse_in_edges(g in digraph()) {
        prop_assume!(g.edge_count() > 0);
        let r = reciprocity(&g);
        let same_edges = g.edges().all(|(s, t, _)| g.weight(t, s).is_some());
        prop_assert_eq!(r == 1.0, same_edges);
        // Both measures lie in [0, 1], and reversing every edge changes neither.
        let w = two_way_index(&g);
        prop_assert!((0.0..=1.0).contains(&r) && (0.0..=1.0 + 1e-12).contains(&w));
        prop_assert!((reciprocity(&reversed(&g)) - r).abs() < 1e-12);
        prop_assert!((two_way_index(&reversed(&g)) - w).abs() < 1e-12);
        // Weighted two-way interaction needs two-way ties: none, and it is 0.
        if r == 0.0 {
            prop_assert_eq!(w, 0.0);
        }
    }

    #[test]
    fn oriented_graphs_have_no_reciprocity(g in digraph()) {
        let oriented = Digraph::from_weighted_edges(
            g.labels().to_vec(),
            g.edges().map(|(s, t, w)| (s.min(t), s.max(t), w)),
        );
        prop_assume!(oriented.edge_count() > 0);
        prop_assert_eq!(reciprocity(&oriented), 0.0);
        prop_assert_eq!(two_way_index(&oriented), 0.0);
    }

    #[test]
    fn a_star_classifies_as_a_hub(leaves in 3usize..40, w in prop::collection::vec((1.0f64..2.0, 1.0f64..2.0), 40)) {
        let labels = (0..=leaves).map(|i| i.to_string()).collect();
        let edges = (1..=leaves).flat_map(|l| [(0, l, w[l - 1].0), (l, 0, w[l - 1].1)]);
        let g = Digraph::from_weighted_edges(labels, edges);
        let r = analyze(&g, &[], &MetricOptions::default()).unwrap();
        prop_assert_eq!(r.class.class, StructureClass::Hub, "{}", r.class.reason());
        prop_assert!((r.graph.centralization - 1.0).abs() < 1e-9);
        // The centre alone is the core, and the split fits perfectly.
        let cp = core_periphery(&g).unwrap();
        prop_assert!((cp.fit - 1.0).abs() < 1e-12);
        prop_assert_eq!(cp.in_core.iter().filter(|&&c| c).count(), 1);
        prop_assert!(cp.in_core[0]);
    }

    #[test]
    fn a_one_way_bipartite_flow_classifies_as_a_one_way_street(
        home in 1usize..8,
        host in 1usize..8,
        edges in prop::collection::vec((0usize..8, 0usize..8, 0.1f64..1e6), 1..40),
    ) {
        let labels = (0..home + host).map(|i| i.to_string()).collect();
        let edges = edges.into_iter().map(|(a, b, w)| (a % home, home + b % host, w));
        let g = Digraph::from_weighted_edges(labels, edges);
        let r = analyze(&g, &[], &MetricOptions::default()).unwrap();
        prop_assert_eq!(r.class.class, StructureClass::OneWayStreet, "{}", r.class.reason());
        prop_assert_eq!(r.graph.two_way_index, 0.0);
    }

    #[test]
    fn betweenness_is_invariant_under_relabelling(g in digraph(), shift in 0usize..20) {
        let n = g.node_count();
        let p = |v: usize| (v + shift) % n;
        let h = Digraph::from_weighted_edges(g.labels().to_vec(), g.edges().map(|(s, t, w)| (p(s), p(t), w)));
        for len in [PathLength::Hops, PathLength::Weight, PathLength::InverseWeight] {
            let a = betweenness(&g, len, false);
            let b = betweenness(&h, len, false);
            for v in 0..n {
                prop_assert!((a[v] - b[p(v)]).abs() <= 1e-9 * (1.0 + a[v].abs()));
            }
        }
    }

    #[test]
    fn betweenness_does_not_depend_on_the_thread_count(g in digraph()) {
        let one = rayon::ThreadPoolBuilder::new().num_threads(1).build().unwrap();
        let three = rayon::ThreadPoolBuilder::new().num_threads(3).build().unwrap();
        for len in [PathLength::Hops, PathLength::InverseWeight] {
            let a = one.install(|| betweenness(&g, len, true));
            let b = three.install(|| betweenness(&g, len, true));
            prop_assert_eq!(a, b);
        }
    }

    #[test]
    fn concentration_measures_stay_in_range(x in prop::collection::vec(0.0f64..100.0, 1..50)) {
        let (h, gi) = (herfindahl(&x), gini(&x));
        prop_assert!((0.0..=1.0 + 1e-12).contains(&h));
        prop_assert!((-1e-12..1.0).contains(&gi));
        if x.iter().sum::<f64>() > 0.0 {
            prop_assert!(h >= 1.0 / x.len() as f64 - 1e-12);
        }
    }

    #[test]
    fn louvain_is_reproducible_from_its_seed(g in digraph(), seed in 0u64..1000) {
        prop_assert_eq!(louvain(&g, true, 1.0, seed), louvain(&g, true, 1.0, seed));
    }
}

#[test]
fn equal_values_have_zero_gini_and_uniform_herfindahl() {
    assert_eq!(gini(&[3.0; 8]), 0.0);
    assert!((herfindahl(&[3.0; 8]) - 0.125).abs() < 1e-15);
    // One holder of everything among n: Gini (n-1)/n.
    assert!((gini(&[0.0, 0.0, 0.0, 5.0]) - 0.75).abs() < 1e-15);
}

#[test]
fn an_edgeless_graph_is_an_error_not_a_nan_table() {
    let g = Digraph::from_pairs(4, []);
    let err = analyze(&g, &[], &MetricOptions::default()).unwrap_err();
    expect_test::expect![[r#"the network has 4 node(s) but no edges with positive weight: there is nothing to measure (check the layers, periods or mode selected)"#]]
        .assert_eq(&err.to_string());
}

#[test]
fn a_complete_two_way_graph_is_a_network() {
    let pairs = (0..6).flat_map(|a| (0..6).filter(move |&b| b != a).map(move |b| (a, b)));
    let g = Digraph::from_pairs(6, pairs);
    let r = analyze(&g, &[], &MetricOptions::default()).unwrap();
    assert_eq!(r.class.class, StructureClass::Network);
    assert_eq!(r.graph.centralization, 0.0);
    assert_eq!(r.graph.density, 1.0);
}

#[test]
fn core_periphery_finds_a_dense_core_and_has_no_fit_on_a_complete_graph() {
    // Nodes 0..4 all tied to each other and to each of 4..10; the periphery has no ties.
    let pairs = (0..4).flat_map(|a| (0..10).filter(move |&b| b != a).map(move |b| (a, b)));
    let g = Digraph::from_pairs(10, pairs);
    let cp = core_periphery(&g).unwrap();
    assert_eq!(cp.in_core, [true, true, true, true, false, false, false, false, false, false]);
    assert!((cp.fit - 1.0).abs() < 1e-12);
    let complete = (0..5).flat_map(|a| (0..5).filter(move |&b| b != a).map(move |b| (a, b)));
    assert_eq!(core_periphery(&Digraph::from_pairs(5, complete)), None);
}
