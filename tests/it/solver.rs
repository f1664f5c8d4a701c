//! `--solver auto` keeps the default model's dense bytes, and a model file says which
//! solver fitted it. (That the sparse and the dense fit agree on the shipped training
//! set is a unit test of `train`.)

use factop::train::{Solver, DENSE_CELLS};

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
