"""cc_fuzzer: a libFuzzer target plus a test that replays its seed corpus."""

def cc_fuzzer(name, srcs, deps = [], **kwargs):
    """Declares `name` and `name`_seeds_test.

    `name` is a cc_binary tagged manual and fuzz: a libFuzzer binary under
    --config=fuzz, a replay tool otherwise. `name`_seeds_test runs the
    harness over every file in corpus/`name`/ with the default toolchain.

    Args:
      name: the target, also the name of its corpus directory.
      srcs: sources; one defines LLVMFuzzerTestOneInput.
      deps: what the sources use.
      **kwargs: passed to both rules (e.g. copts).
    """
    native.cc_binary(
        name = name,
        srcs = srcs,
        deps = deps + select({
            ":libfuzzer": [],
            "//conditions:default": [":replay_main"],
        }),
        linkopts = select({
            ":libfuzzer": ["-fsanitize=fuzzer"],
            "//conditions:default": [],
        }),
        tags = ["manual", "fuzz"],
        **kwargs
    )
    native.cc_test(
        name = name + "_seeds_test",
        size = "small",
        srcs = srcs,
        deps = deps + [":replay_main"],
        args = [native.package_name() + "/corpus/" + name],
        data = native.glob(["corpus/" + name + "/*"]),
        **kwargs
    )
