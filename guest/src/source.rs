//! Source text handling: validation without touching any realm, and the
//! padding that stands in for line/column offsets (Boa has no offset API).

use boa_ast::scope::Scope;
use boa_interner::Interner;
use boa_parser::{Error as ParseError, Parser, Source};

/// A syntax error found by validation: message, 1-based line and column.
pub struct SyntaxProblem {
    pub message: String,
    pub line: u32,
    pub column: u32,
}

/// Validation reports syntax errors only. Nesting too deep for the stack
/// is not one: it passes here, and the real parse that follows runs out of
/// stack the same way and throws V8's `RangeError: Maximum call stack size
/// exceeded` (the boa_engine stack patch maps it).
fn syntax_only(result: Result<(), ParseError>, source: &str) -> Result<(), SyntaxProblem> {
    match result {
        Err(ParseError::StackExhausted) | Ok(()) => Ok(()),
        Err(error) => Err(describe(error, source)),
    }
}

fn describe(error: ParseError, source: &str) -> SyntaxProblem {
    let position = match &error {
        ParseError::Expected { span, .. } | ParseError::Unexpected { span, .. } => Some(span.start()),
        ParseError::General { position, .. } => Some(*position),
        ParseError::Lex { err: boa_parser::lexer::Error::Syntax(_, position) } => Some(*position),
        ParseError::Redeclared { .. } => Some(boa_ast::Position::new(1, 1)),
        _ => None,
    };
    let (line, column) = match position {
        Some(p) => (p.line_number(), p.column_number()),
        // An abrupt end: just past the end of the last line, as V8 reports it.
        None => {
            let last = source.lines().last().unwrap_or("");
            (source.lines().count().max(1) as u32, last.chars().count() as u32 + 1)
        }
    };
    let message = v8_message(&error, source, line, column).unwrap_or_else(|| {
        let message = error.to_string();
        // Boa appends " at line N, col M"; the position is reported separately.
        match message.rfind(" at line ") {
            Some(i) => message[..i].to_string(),
            None => message,
        }
    });
    SyntaxProblem { message, line, column }
}

/// Words V8 does not treat as identifiers in an "Unexpected" message.
const RESERVED: &[&str] = &[
    "await", "break", "case", "catch", "class", "const", "continue", "debugger", "default", "delete", "do", "else",
    "enum", "export", "extends", "false", "finally", "for", "function", "if", "import", "in", "instanceof", "new",
    "null", "return", "super", "switch", "this", "throw", "true", "try", "typeof", "var", "void", "while", "with",
];

/// V8's wording for the parse errors people meet most (`Unexpected token
/// ';'`, `Unexpected identifier 'x'`, `Unexpected number`, `Unexpected
/// string`, `Unexpected end of input`, `Invalid or unexpected token`,
/// `missing ) after argument list`, `Illegal return statement`); None
/// keeps Boa's. The kind of the offending token is read from the source at
/// its position (Boa's message shows a string literal without its quotes).
fn v8_message(error: &ParseError, source: &str, line: u32, column: u32) -> Option<String> {
    let found = match error {
        ParseError::AbruptEnd => return Some("Unexpected end of input".into()),
        ParseError::Lex { .. } => return Some("Invalid or unexpected token".into()),
        ParseError::Expected { context: "argument list", .. } => return Some("missing ) after argument list".into()),
        ParseError::Expected { found, .. } | ParseError::Unexpected { found, .. } => found,
        _ => return None,
    };
    match &**found {
        "end of file" => return Some("Unexpected end of input".into()),
        "return" => return Some("Illegal return statement".into()),
        _ => {}
    }
    let first = source.lines().nth(line.saturating_sub(1) as usize).and_then(|l| l.chars().nth(column.saturating_sub(1) as usize));
    Some(match first {
        Some('"' | '\'') => "Unexpected string".into(),
        Some('`') => "Unexpected template string".into(),
        Some(c) if c.is_ascii_digit() => "Unexpected number".into(),
        Some(c) if (c == '_' || c == '$' || c.is_alphabetic()) && !RESERVED.contains(&&**found) => {
            format!("Unexpected identifier '{found}'")
        }
        _ => format!("Unexpected token '{found}'"),
    })
}

/// Parses `code` with the script goal against a throwaway scope, so no
/// realm's global declarations are touched (`new vm.Script` only validates).
pub fn check_script(code: &str) -> Result<(), SyntaxProblem> {
    let mut interner = Interner::default();
    let parsed = Parser::new(Source::from_bytes(code)).parse_script(&Scope::new_global(), &mut interner);
    syntax_only(parsed.map(|_| ()), code)
}

/// Parses `code` with the module goal against a throwaway scope.
pub fn check_module(code: &str) -> Result<(), SyntaxProblem> {
    let mut interner = Interner::default();
    let parsed = Parser::new(Source::from_bytes(code)).parse_module(&Scope::new_global(), &mut interner);
    syntax_only(parsed.map(|_| ()), code)
}

/// Validates `compileFunction`'s parameters and body on their own, so a body
/// cannot close the wrapper function it is later placed in.
pub fn check_function(params: &[String], body: &str) -> Result<(), SyntaxProblem> {
    let mut interner = Interner::default();
    let params_text = params.join(", ");
    let params_parsed = Parser::new(Source::from_bytes(&params_text)).parse_formal_parameters(&mut interner, false, false);
    syntax_only(params_parsed.map(|_| ()), &params_text)?;
    let body_parsed = Parser::new(Source::from_bytes(body)).parse_function_body(&mut interner, false, false);
    syntax_only(body_parsed.map(|_| ()), body)
}

/// The largest offset that padding represents (1,048,576 lines or
/// columns: 1 MiB of padding). Larger ones are clamped to it, so a junk
/// offset such as `2 ** 31 - 1` costs a megabyte, not the whole memory;
/// positions past it are reported at the clamp.
const MAX_PADDING: usize = 1 << 20;

/// An offset as a count of padding characters: negative ones cannot be
/// represented and are ignored, large ones are clamped (see [`MAX_PADDING`]).
fn padding(offset: i32) -> usize {
    (offset.max(0) as usize).min(MAX_PADDING)
}

/// Pads `code` so Boa reports its positions shifted by the offsets: line
/// offsets by leading newlines, column offsets by leading spaces on the
/// first line.
pub fn pad(code: &str, line_offset: i32, column_offset: i32) -> String {
    let lines = padding(line_offset);
    let columns = padding(column_offset);
    let mut padded = String::with_capacity(code.len() + lines + columns);
    padded.extend(std::iter::repeat_n('\n', lines));
    padded.extend(std::iter::repeat_n(' ', columns));
    padded.push_str(code);
    padded
}

/// The name the wrapper for `compileFunction` passes its extensions under.
pub const EXTENSIONS_PARAM: &str = "__jsvm_context_extensions__";

/// Source of a script whose completion value is the compiled function.
///
/// With context extensions the function is nested in `with` blocks, one per
/// extension, so its free variables resolve through them first (live, as in
/// Node). The wrapper header sits on the line before the body when the line
/// offset leaves room for it; otherwise it shares the body's first line and
/// columns on that line shift by the header's length.
pub fn function_wrapper(body: &str, params: &[String], extensions: usize, line_offset: i32, column_offset: i32) -> String {
    let mut header = String::new();
    if extensions > 0 {
        header.push_str(&format!("(function ({EXTENSIONS_PARAM}) {{ "));
        for i in 0..extensions {
            header.push_str(&format!("with ({EXTENSIONS_PARAM}[{i}]) {{ "));
        }
        header.push_str("return ");
    } else {
        header.push('(');
    }
    header.push_str(&format!("function ({}) {{", params.join(", ")));
    let mut footer = String::from("\n}");
    if extensions > 0 {
        footer.push_str(&" }".repeat(extensions));
        footer.push_str(" })");
    } else {
        footer.push(')');
    }
    let columns = " ".repeat(padding(column_offset));
    if line_offset >= 1 {
        let lines = "\n".repeat(padding(line_offset) - 1);
        format!("{lines}{header}\n{columns}{body}{footer}")
    } else {
        format!("{header}{columns}{body}{footer}")
    }
}
