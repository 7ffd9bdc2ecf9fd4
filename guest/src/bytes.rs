//! Binary objects (`ArrayBuffer`, `DataView`, typed arrays) cross the WIT
//! edge by value: their bytes are copied, and the other side gets its own
//! object of the same kind. Proxying every element access through the
//! boundary would make them unusably slow, and linear memory cannot be
//! shared with the host's buffers.

use boa_engine::builtins::typed_array::TypedArrayKind;
use boa_engine::object::builtins::{
    AlignedVec, JsArrayBuffer, JsBigInt64Array, JsBigUint64Array, JsDataView, JsFloat32Array, JsFloat64Array,
    JsInt8Array, JsInt16Array, JsInt32Array, JsTypedArray, JsUint8Array, JsUint8ClampedArray, JsUint16Array,
    JsUint32Array,
};
use boa_engine::{Context, JsObject, JsResult, JsValue};

use crate::jsvm::vm::types::{ByteArray, ByteKind};

/// The bytes of `object` when it is a binary object whose bytes can be read
/// (not detached, not a SharedArrayBuffer); `None` otherwise.
pub fn to_wit(object: &JsObject, context: &mut Context) -> Option<ByteArray> {
    if let Ok(buffer) = JsArrayBuffer::from_object(object.clone()) {
        return Some(ByteArray { kind: ByteKind::ArrayBuffer, data: buffer.to_vec()? });
    }
    let (kind, buffer, offset, length) = if let Ok(view) = JsTypedArray::from_object(object.clone()) {
        let kind = typed_kind(view.kind()?)?;
        (kind, view.buffer(context).ok()?, view.byte_offset(context).ok()?, view.byte_length(context).ok()?)
    } else if let Ok(view) = JsDataView::from_object(object.clone()) {
        let offset = usize::try_from(view.byte_offset(context).ok()?).ok()?;
        let length = usize::try_from(view.byte_length(context).ok()?).ok()?;
        (ByteKind::DataView, view.buffer(context).ok()?, offset, length)
    } else {
        return None;
    };
    let buffer = JsArrayBuffer::from_object(buffer.as_object()?).ok()?;
    let data = buffer.data()?.get(offset..offset + length)?.to_vec();
    Some(ByteArray { kind, data })
}

fn typed_kind(kind: TypedArrayKind) -> Option<ByteKind> {
    Some(match kind {
        TypedArrayKind::Int8 => ByteKind::Int8Array,
        TypedArrayKind::Uint8 => ByteKind::Uint8Array,
        TypedArrayKind::Uint8Clamped => ByteKind::Uint8ClampedArray,
        TypedArrayKind::Int16 => ByteKind::Int16Array,
        TypedArrayKind::Uint16 => ByteKind::Uint16Array,
        TypedArrayKind::Int32 => ByteKind::Int32Array,
        TypedArrayKind::Uint32 => ByteKind::Uint32Array,
        TypedArrayKind::BigInt64 => ByteKind::Bigint64Array,
        TypedArrayKind::BigUint64 => ByteKind::Biguint64Array,
        TypedArrayKind::Float32 => ByteKind::Float32Array,
        TypedArrayKind::Float64 => ByteKind::Float64Array,
        #[allow(unreachable_patterns)]
        _ => return None,
    })
}

/// A new binary object of the current realm holding a copy of `bytes`.
pub fn from_wit(bytes: ByteArray, context: &mut Context) -> JsResult<JsValue> {
    let length = bytes.data.len() as u64;
    let buffer = JsArrayBuffer::from_byte_block(AlignedVec::from_iter(0, bytes.data), context)?;
    Ok(match bytes.kind {
        ByteKind::ArrayBuffer => buffer.into(),
        ByteKind::DataView => JsDataView::from_js_array_buffer(buffer, None, Some(length), context)?.into(),
        ByteKind::Int8Array => JsInt8Array::from_array_buffer(buffer, context)?.into(),
        ByteKind::Uint8Array => JsUint8Array::from_array_buffer(buffer, context)?.into(),
        ByteKind::Uint8ClampedArray => JsUint8ClampedArray::from_array_buffer(buffer, context)?.into(),
        ByteKind::Int16Array => JsInt16Array::from_array_buffer(buffer, context)?.into(),
        ByteKind::Uint16Array => JsUint16Array::from_array_buffer(buffer, context)?.into(),
        ByteKind::Int32Array => JsInt32Array::from_array_buffer(buffer, context)?.into(),
        ByteKind::Uint32Array => JsUint32Array::from_array_buffer(buffer, context)?.into(),
        ByteKind::Float32Array => JsFloat32Array::from_array_buffer(buffer, context)?.into(),
        ByteKind::Float64Array => JsFloat64Array::from_array_buffer(buffer, context)?.into(),
        ByteKind::Bigint64Array => JsBigInt64Array::from_array_buffer(buffer, context)?.into(),
        ByteKind::Biguint64Array => JsBigUint64Array::from_array_buffer(buffer, context)?.into(),
    })
}
