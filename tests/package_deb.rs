//! The Debian package, end to end: `scripts/package` builds it (from the binaries these tests
//! run, gzip for speed) with the simulated engine standing in for a real cn-engine, it is
//! unpacked into a temporary root with `dpkg-deb -x`, and the unpacked app answers
//! `--version`, generates an image, renders a snapshot and starts the bundled engine when
//! nothing else is chosen; lintian finds no error in it.

mod common;

use common::TempApp;
use common::package::{app_command, assert_installed_tree, build, generate_one, run, stdout};
use std::path::Path;
use std::process::Command;

#[test]
fn the_deb_installs_a_working_app_and_passes_lintian() {
    let out = tempfile::tempdir().unwrap();
    let stand_in = common::distillery_bin().with_file_name("cn-engine-sim");
    let deb = build("deb", out.path(), Some(&stand_in));
    assert!(
        deb.ends_with(format!("distillery_{}_amd64.deb", env!("CARGO_PKG_VERSION"))),
        "{}",
        deb.display()
    );

    let root = tempfile::tempdir().unwrap();
    run(Command::new("dpkg-deb").arg("-x").arg(&deb).arg(root.path()));
    assert_installed_tree(root.path());
    // The app names the engine by its resolved path (current_exe reads /proc/self/exe).
    let bundled = root
        .path()
        .canonicalize()
        .unwrap()
        .join("usr/lib/distillery/bin/cn-engine");
    assert!(bundled.is_file(), "the real engine's slot is filled from CN_ENGINE_BIN");
    let app = root.path().join("usr/bin/distillery");
    common::package::smoke_test(&app);

    // With nothing chosen, the bundled engine is the one started: a real engine, so it wants
    // model files, and says which engine wants them.
    let home = TempApp::new();
    let refused = app_command(&app)
        .args(home.args())
        .args(["generate", "--prompt", "a lighthouse"])
        .output()
        .unwrap();
    assert_eq!(refused.status.code(), Some(1));
    let said = String::from_utf8_lossy(&refused.stderr);
    assert!(said.contains(&bundled.display().to_string()), "{said}");

    let models = home.dir.path().join("models");
    std::fs::create_dir_all(&models).unwrap();
    let mut command = app_command(&app);
    for (name, file) in [
        ("CN_MODEL_DIFFUSION", "flux-2-klein-4b-Q8_0.gguf"),
        ("CN_MODEL_VAE", "ae.safetensors"),
        ("CN_MODEL_LLM", "qwen3-4b-Q8_0.gguf"),
    ] {
        std::fs::write(models.join(file), b"weights").unwrap();
        command.env(name, models.join(file));
    }
    // The bundled engine generates with them.
    generate_one(command.args(home.args()));

    // apt can install it: every dependency names a package it can find (simulated, so the
    // machine running the tests is not changed).
    let simulated = run(Command::new("apt-get")
        .args(["install", "--simulate", "--no-install-recommends"])
        .arg(&deb));
    let plan = stdout(&simulated);
    assert!(plan.contains("Inst distillery ("), "{plan}");

    // Errors fail the check; so would the manual-page warning, which is gone.
    let lintian = run(Command::new("lintian").arg("--allow-root").arg(&deb));
    assert_eq!(stdout(&lintian), "", "lintian has nothing to say");
}

#[test]
fn a_real_engine_slot_refuses_what_is_not_cn_engine() {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = tempfile::tempdir().unwrap();
    let not_engine = out.path().join("cn-engine");
    std::fs::write(&not_engine, "#!/bin/sh\necho 'hello 1.0'\n").unwrap();
    std::fs::set_permissions(&not_engine, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let refused = Command::new(manifest.join("scripts/package"))
        .args(["--binaries", "target/debug", "--fast", "--out"])
        .arg(out.path().join("packages"))
        .env("CN_ENGINE_BIN", &not_engine)
        .current_dir(manifest)
        .output()
        .unwrap();
    assert_eq!(refused.status.code(), Some(1));
    let said = String::from_utf8_lossy(&refused.stderr);
    assert!(
        said.contains("is not a cn-engine this machine can run (its --version printed \"hello 1.0\")"),
        "{said}"
    );
    assert!(!out.path().join("packages").exists(), "nothing was packaged");
}
