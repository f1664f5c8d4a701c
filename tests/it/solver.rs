//! The sparse fit and linfa-logistic's dense fit minimise the same objective with the
//! same optimiser: on the shipped English training set they give the same weights and
//! the same probabilities, and `--solver auto` keeps the default model's dense bytes.

use factop::data::{load, DataOptions, Record};
use factop::pipeline::analyzer::Scratch;
use factop::train::{Solver, TrainParams, DENSE_CELLS};

fn shipped_training_set() -> Vec<Record> {
    let root = super::util::root();
    ["data/train.csv", "data/dev.csv"]
        .iter()
        .flat_map(|f| {
            load(&root.join(f), &DataOptions::default())
                .unwrap()
                .records
        })
        .collect()
}

#[test]
fn sparse_and_dense_fits_agree_on_the_shipped_training_set() {
    let records = shipped_training_set();
    let refs: Vec<&Record> = records.iter().collect();
    let fit = |solver| {
        let params = TrainParams {
            solver,
            ..Default::default()
        };
        params.check().unwrap().fit_core(&refs).unwrap()
    };
    let (dense, sparse) = (fit(Solver::Dense), fit(Solver::Sparse));
    assert!(dense.linfa.is_some() && sparse.linfa.is_none());
    let (wd, ws) = (dense.linear.weights(), sparse.linear.weights());
    assert_eq!(wd.len(), ws.len());
    assert!(wd.len() > 5000, "{} weights", wd.len());
    let pairs = wd
        .iter()
        .copied()
        .zip(ws.iter().copied())
        .chain([(dense.linear.intercept(), sparse.linear.intercept())]);
    for (i, (a, b)) in pairs.enumerate() {
        assert!(
            (a - b).abs() <= 1e-6 * a.abs() + 1e-12,
            "weight {i}: dense {a} sparse {b}"
        );
    }
    let (mut scratch, mut row) = (Scratch::default(), Vec::new());
    let mut worst: f64 = 0.0;
    for r in &records {
        dense.featurizer.row_into(&r.text, &mut scratch, &mut row);
        let p = dense.linear.probability(&row);
        sparse.featurizer.row_into(&r.text, &mut scratch, &mut row);
        worst = worst.max((p - sparse.linear.probability(&row)).abs());
    }
    assert!(worst < 1e-9, "largest probability difference {worst}");
}

#[test]
fn auto_is_dense_up_to_2_to_the_23_cells() {
    // The default English model (1,292 rows x 5,572 + 29 columns) and its accurate
    // twin stay dense; German (1,291 x 22,917 + 29) goes sparse.
    assert!(!Solver::Auto.is_sparse(1292, 5572 + 29));
    assert!(!Solver::Auto.is_sparse(1292, 5572 + 29 + 384));
    assert!(Solver::Auto.is_sparse(1291, 22_917 + 29));
    assert!(Solver::Auto.is_sparse(20_000, 8029));
    assert!(Solver::Auto.is_sparse(DENSE_CELLS + 1, 1));
    assert!(!Solver::Auto.is_sparse(DENSE_CELLS, 1));
    assert!(Solver::Sparse.is_sparse(1, 1) && !Solver::Dense.is_sparse(usize::MAX, 2));
}

#[test]
fn a_sparse_model_says_so_and_a_dense_one_does_not() {
    let root = super::util::root();
    let dir = tempfile::tempdir().unwrap();
    for solver in ["sparse", "dense"] {
        let out = dir.path().join(format!("{solver}.json"));
        super::util::factop()
            .current_dir(&root)
            .args(["train", "--data", "data/dev.csv", "--solver", solver, "-o"])
            .arg(&out)
            .assert()
            .success();
        let model: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
        let recorded = model["training"].get("solver").and_then(|s| s.as_str());
        assert_eq!(recorded, (solver == "sparse").then_some("sparse"));
    }
}
