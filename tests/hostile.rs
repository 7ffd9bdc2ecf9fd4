//! Hostile inputs end as Node ends them: a catchable error with V8's
//! name and message, and the Vm keeps every context (issue #9; the shapes
//! grow here as the classes are covered).

use jsvm::Vm;

/// Strings past V8's maximum length (2^29 - 24 code units) throw
/// `RangeError: Invalid string length` however they are built (the strings
/// patch); one of exactly the maximum is made.
#[test]
fn strings_past_the_maximum_length_throw_invalid_string_length() {
    let mut vm = Vm::new().unwrap();
    let bystander = vm.create_context().unwrap();
    vm.run_in_context(&bystander, "var kept = 41").unwrap();
    let ctx = vm.create_context().unwrap();
    let shapes = [
        "'x'.repeat(2 ** 31)",
        "'x'.repeat(2 ** 29 - 23)",
        "'x'.padStart(2 ** 30)",
        "'x'.padEnd(2 ** 29)",
        "'x'.repeat(2 ** 28) + 'x'.repeat(2 ** 28)",
        "`${'x'.repeat(2 ** 28)}${'x'.repeat(2 ** 28)}`",
        "'a'.concat('x'.repeat(2 ** 28), 'x'.repeat(2 ** 28))",
        "[1, 2].join('x'.repeat(2 ** 29 - 24))",
        "(() => { let s = 'xy'; for (;;) s += s; })()",
    ];
    for shape in shapes {
        let code = format!("try {{ {shape}; 'no error' }} catch (e) {{ e.name + ': ' + e.message }}");
        let got: String = vm.eval(&ctx, &code).unwrap_or_else(|e| panic!("{shape}: {e}"));
        assert_eq!(got, "RangeError: Invalid string length", "{shape}");
    }
    let longest: f64 = vm.eval(&ctx, "'x'.repeat(2 ** 29 - 24).length").unwrap();
    assert_eq!(longest, 536_870_888.0);
    let mixed: String = vm.eval(&ctx, "'ab'.repeat(3) + 'é'.repeat(2) + '😀'.repeat(2) + 'z'.repeat(0)").unwrap();
    assert_eq!(mixed, "abababéé😀😀");
    assert_eq!(vm.eval::<f64>(&bystander, "kept + 1").unwrap(), 42.0);
}
