//! `vm.copy-out`: plain data copied in one call, for hosts that copy guest
//! arrays and ordinary objects into data of their own (the Python host). It
//! reads exactly what `get` and `keys` would (an array's indices up to its
//! `length`, an ordinary object's `Object.keys`; getters run), breadth
//! first, and writes the result as flat JSON that a host parses natively,
//! with the values JSON cannot say passed beside it as WIT values.

use std::collections::{HashMap, VecDeque};

use boa_engine::{Context, JsObject, JsResult, JsString, JsValue, value::JsVariant};
use serde_json::Value as Json;

use crate::exports::jsvm::vm::vm::Copied;
use crate::jsvm::vm::types::Value;
use crate::values;

/// The markers of `Copied::containers` (wit/vm.wit says the format).
const ARRAY: u8 = 0;
const OBJECT: u8 = 1;
const VALUE: u8 = 2;
const CONTAINER: u8 = 3;

/// A copy in progress: the containers met (by identity) and the values
/// passed beside the JSON.
struct Copy {
    index: HashMap<JsObject, usize>,
    queue: VecDeque<(JsObject, bool)>,
    values: Vec<Value>,
    max_objects: usize,
}

/// Copies `target` and the arrays and ordinary objects it reaches.
pub fn copy_out(target: u32, max_objects: u32, context: &mut Context) -> JsResult<Copied> {
    let root = values::object(target)?;
    let is_array = values::copyable(&root, context).unwrap_or(root.is_array());
    let mut copy = Copy { index: HashMap::new(), queue: VecDeque::new(), values: Vec::new(), max_objects: max_objects.max(1) as usize };
    copy.index.insert(root.clone(), 0);
    copy.queue.push_back((root, is_array));
    let mut containers = Vec::new();
    while let Some((object, is_array)) = copy.queue.pop_front() {
        let mut items = vec![Json::from(if is_array { ARRAY } else { OBJECT })];
        if is_array {
            let length = object.get(JsString::from("length"), context)?.to_length(context)?;
            for index in 0..length {
                let item = object.get(index, context)?;
                items.push(copy.item(&item, context));
            }
        } else {
            for key in values::enumerable_keys(&object, context)? {
                let item = object.get(key.clone(), context)?;
                items.push(Json::String(key.to_std_string_lossy()));
                items.push(copy.item(&item, context));
            }
        }
        containers.push(Json::Array(items));
    }
    Ok(Copied { containers: Json::Array(containers).to_string(), values: copy.values })
}

impl Copy {
    /// One item: JSON for what JSON says exactly, else a marker.
    fn item(&mut self, value: &JsValue, context: &mut Context) -> Json {
        match value.variant() {
            JsVariant::Null => return Json::Null,
            JsVariant::Boolean(b) => return Json::Bool(b),
            JsVariant::String(s) => return Json::String(s.to_std_string_lossy()),
            JsVariant::Integer32(i) => return Json::from(i),
            JsVariant::Float64(f) if f.is_finite() && !(f == 0.0 && f.is_sign_negative()) => {
                if let Some(number) = serde_json::Number::from_f64(f) {
                    return Json::Number(number);
                }
            }
            JsVariant::Object(object) => {
                if let Some(&index) = self.index.get(&object) {
                    return Json::from(vec![CONTAINER as usize, index]);
                }
                if self.index.len() < self.max_objects
                    && let Some(is_array) = values::copyable(&object, context)
                {
                    let index = self.index.len();
                    self.index.insert(object.clone(), index);
                    self.queue.push_back((object, is_array));
                    return Json::from(vec![CONTAINER as usize, index]);
                }
            }
            _ => {}
        }
        self.values.push(values::to_wit(value, context));
        Json::from(vec![VALUE as usize, self.values.len() - 1])
    }
}
