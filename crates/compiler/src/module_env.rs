//! Reads a validated module's sections into a [`ModuleInfo`] plus the
//! function bodies still to be translated.

use anyhow::{Result, bail};
use kiln_types::*;
use wasmparser::{
    BinaryReader, DataKind, ElementItems, ElementKind, ExternalKind, Name, NameSectionReader,
    Operator, Parser, Payload, TypeRef,
};

/// One function body, not yet translated.
pub struct FunctionBodyInput<'a> {
    /// The body's reader (locals and operators).
    pub body: wasmparser::FunctionBody<'a>,
}

/// Tells the kind of the type at a module type index, which concrete heap
/// types carry.
pub trait TypeKinds {
    /// The kind of type `t`, if the module has that type.
    fn type_kind(&self, t: u32) -> Option<TypeKind>;
}

impl TypeKinds for [TypeKind] {
    fn type_kind(&self, t: u32) -> Option<TypeKind> {
        self.get(t as usize).copied()
    }
}

impl TypeKinds for ModuleInfo {
    fn type_kind(&self, t: u32) -> Option<TypeKind> {
        Some(self.types.get(t as usize)?.kind())
    }
}

/// Converts a wasmparser value type.
pub fn val_type(t: wasmparser::ValType, kinds: &(impl TypeKinds + ?Sized)) -> Result<ValType> {
    use wasmparser::ValType as V;
    Ok(match t {
        V::I32 => ValType::I32,
        V::I64 => ValType::I64,
        V::F32 => ValType::F32,
        V::F64 => ValType::F64,
        V::V128 => ValType::V128,
        V::Ref(r) => ValType::Ref(ref_type(r, kinds)?),
    })
}

/// Converts a wasmparser reference type, keeping its nullability and heap
/// type (concrete types as module type indices).
pub fn ref_type(r: wasmparser::RefType, kinds: &(impl TypeKinds + ?Sized)) -> Result<RefType> {
    Ok(RefType::new(
        r.is_nullable(),
        heap_type(r.heap_type(), kinds)?,
    ))
}

/// Converts a wasmparser heap type (concrete types as module type indices).
pub fn heap_type(h: wasmparser::HeapType, kinds: &(impl TypeKinds + ?Sized)) -> Result<HeapType> {
    use wasmparser::{AbstractHeapType as A, HeapType as H, UnpackedIndex};
    Ok(match h {
        H::Concrete(UnpackedIndex::Module(t)) => match kinds.type_kind(t) {
            Some(kind) => HeapType::Module(TypeIndex(t), kind),
            None => bail!("unknown type {t}"),
        },
        H::Abstract { shared: false, ty } => match ty {
            A::Func => HeapType::Func,
            A::NoFunc => HeapType::NoFunc,
            A::Extern => HeapType::Extern,
            A::NoExtern => HeapType::NoExtern,
            A::Exn => HeapType::Exn,
            A::NoExn => HeapType::NoExn,
            A::Any => HeapType::Any,
            A::Eq => HeapType::Eq,
            A::I31 => HeapType::I31,
            A::Struct => HeapType::Struct,
            A::Array => HeapType::Array,
            A::None => HeapType::None,
            A::Cont | A::NoCont => bail!(Unsupported::new(format!("heap type {h:?}"))),
        },
        _ => bail!(Unsupported::new(format!("heap type {h:?}"))),
    })
}

fn table_type(t: &wasmparser::TableType, kinds: &[TypeKind]) -> Result<TableType> {
    let Ok(minimum) = u32::try_from(t.initial) else {
        bail!(Unsupported::new(format!(
            "a table of {} elements (the most is {})",
            t.initial,
            u32::MAX
        )));
    };
    Ok(TableType {
        element: ref_type(t.element_type, kinds)?,
        minimum,
        // Tables never grow near 2^32 elements, so a larger maximum means
        // the same as `u32::MAX`.
        maximum: t.maximum.map(|m| u32::try_from(m).unwrap_or(u32::MAX)),
        table64: t.table64,
    })
}

fn memory_type(m: &wasmparser::MemoryType) -> Result<MemoryType> {
    let page_size_log2 = match m.page_size_log2 {
        None => 16,
        Some(p @ (0 | 16)) => p as u8,
        Some(p) => bail!(Unsupported::new(format!("page size 2^{p}"))),
    };
    Ok(MemoryType {
        minimum: m.initial,
        maximum: m.maximum,
        shared: m.shared,
        memory64: m.memory64,
        page_size_log2,
    })
}

fn global_type(g: &wasmparser::GlobalType, kinds: &[TypeKind]) -> Result<GlobalType> {
    Ok(GlobalType {
        ty: val_type(g.content_type, kinds)?,
        mutable: g.mutable,
    })
}

/// Converts a constant expression.
pub fn const_expr(e: &wasmparser::ConstExpr<'_>) -> Result<ConstExpr> {
    let mut ops = Vec::new();
    for op in e.get_operators_reader() {
        ops.push(match op? {
            Operator::I32Const { value } => ConstOp::I32Const(value),
            Operator::I64Const { value } => ConstOp::I64Const(value),
            Operator::F32Const { value } => ConstOp::F32Const(value.bits()),
            Operator::F64Const { value } => ConstOp::F64Const(value.bits()),
            Operator::V128Const { value } => {
                ConstOp::V128Const(u128::from_le_bytes(*value.bytes()))
            }
            Operator::GlobalGet { global_index } => ConstOp::GlobalGet(GlobalIndex(global_index)),
            Operator::RefNull { .. } => ConstOp::RefNull,
            Operator::RefFunc { function_index } => ConstOp::RefFunc(FuncIndex(function_index)),
            Operator::I32Add => ConstOp::I32Add,
            Operator::I32Sub => ConstOp::I32Sub,
            Operator::I32Mul => ConstOp::I32Mul,
            Operator::I64Add => ConstOp::I64Add,
            Operator::I64Sub => ConstOp::I64Sub,
            Operator::I64Mul => ConstOp::I64Mul,
            Operator::RefI31 => ConstOp::RefI31,
            Operator::AnyConvertExtern | Operator::ExternConvertAny => ConstOp::ConvertReference,
            Operator::StructNew { struct_type_index } => {
                ConstOp::StructNew(TypeIndex(struct_type_index))
            }
            Operator::StructNewDefault { struct_type_index } => {
                ConstOp::StructNewDefault(TypeIndex(struct_type_index))
            }
            Operator::ArrayNew { array_type_index } => {
                ConstOp::ArrayNew(TypeIndex(array_type_index))
            }
            Operator::ArrayNewDefault { array_type_index } => {
                ConstOp::ArrayNewDefault(TypeIndex(array_type_index))
            }
            Operator::ArrayNewFixed {
                array_type_index,
                array_size,
            } => ConstOp::ArrayNewFixed(TypeIndex(array_type_index), array_size),
            Operator::End => continue,
            other => bail!(Unsupported::new(format!("constant operator {other:?}"))),
        });
    }
    Ok(ConstExpr { ops })
}

/// The kind of a wasmparser composite type, refusing what Kiln does not
/// implement (shared types, custom descriptors, continuations).
fn composite_kind(c: &wasmparser::CompositeType) -> Result<TypeKind> {
    use wasmparser::CompositeInnerType as C;
    if c.shared || c.descriptor_idx.is_some() || c.describes_idx.is_some() {
        bail!(Unsupported::new("shared or descriptor types"));
    }
    Ok(match c.inner {
        C::Func(_) => TypeKind::Func,
        C::Struct(_) => TypeKind::Struct,
        C::Array(_) => TypeKind::Array,
        C::Cont(_) => bail!(Unsupported::new("continuation types")),
    })
}

fn field_type(f: &wasmparser::FieldType, kinds: &[TypeKind]) -> Result<FieldType> {
    let storage = match f.element_type {
        wasmparser::StorageType::I8 => StorageType::I8,
        wasmparser::StorageType::I16 => StorageType::I16,
        wasmparser::StorageType::Val(t) => StorageType::Val(val_type(t, kinds)?),
    };
    Ok(FieldType::new(f.mutable, storage))
}

/// Converts one entry of a rec group; `kinds` covers the whole group.
fn sub_type(sub: &wasmparser::SubType, kinds: &[TypeKind]) -> Result<SubType> {
    use wasmparser::CompositeInnerType as C;
    let composite = match &sub.composite_type.inner {
        C::Func(f) => {
            let convert = |ts: &[wasmparser::ValType]| {
                ts.iter()
                    .map(|t| val_type(*t, kinds))
                    .collect::<Result<Vec<_>>>()
            };
            CompositeType::Func(FuncType::from_parts(
                convert(f.params())?,
                convert(f.results())?,
            ))
        }
        C::Struct(s) => CompositeType::Struct(StructType {
            fields: s
                .fields
                .iter()
                .map(|f| field_type(f, kinds))
                .collect::<Result<_>>()?,
        }),
        C::Array(a) => CompositeType::Array(ArrayType(field_type(&a.0, kinds)?)),
        C::Cont(_) => bail!(Unsupported::new("continuation types")),
    };
    let supertype = match sub.supertype_idxs.first() {
        Some(i) => {
            let Some(t) = i.as_module_index() else {
                bail!("a supertype that is not a module type index");
            };
            Some(heap_type(
                wasmparser::HeapType::Concrete(wasmparser::UnpackedIndex::Module(t)),
                kinds,
            )?)
        }
        None => None,
    };
    Ok(SubType {
        is_final: sub.is_final,
        supertype,
        composite,
    })
}

/// Parses an already validated module.
pub fn parse_module(bytes: &[u8]) -> Result<(ModuleInfo, Vec<FunctionBodyInput<'_>>)> {
    let mut info = ModuleInfo::default();
    let mut bodies = Vec::new();
    // The kind of each type so far, which concrete heap types carry.
    let mut kinds: Vec<TypeKind> = Vec::new();
    for payload in Parser::new(0).parse_all(bytes) {
        match payload? {
            Payload::TypeSection(s) => {
                for group in s {
                    let group = group?.into_types().collect::<Vec<_>>();
                    let start = info.types.len() as u32;
                    // Types of a group may refer to each other in any order.
                    for sub in &group {
                        kinds.push(composite_kind(&sub.composite_type)?);
                    }
                    for sub in group {
                        info.types.push(sub_type(&sub, &kinds)?);
                    }
                    info.rec_groups.push(start..info.types.len() as u32);
                }
            }
            Payload::ImportSection(s) => {
                for import in s.into_imports() {
                    let import = import?;
                    let index = match import.ty {
                        TypeRef::Func(t) | TypeRef::FuncExact(t) => {
                            info.functions.push(TypeIndex(t));
                            info.num_imported_funcs += 1;
                            EntityIndex::Function(FuncIndex::from_usize(info.functions.len() - 1))
                        }
                        TypeRef::Table(t) => {
                            info.tables.push(table_type(&t, &kinds)?);
                            info.num_imported_tables += 1;
                            EntityIndex::Table(TableIndex::from_usize(info.tables.len() - 1))
                        }
                        TypeRef::Memory(m) => {
                            info.memories.push(memory_type(&m)?);
                            info.num_imported_memories += 1;
                            EntityIndex::Memory(MemoryIndex::from_usize(info.memories.len() - 1))
                        }
                        TypeRef::Global(g) => {
                            info.globals.push(global_type(&g, &kinds)?);
                            info.num_imported_globals += 1;
                            EntityIndex::Global(GlobalIndex::from_usize(info.globals.len() - 1))
                        }
                        TypeRef::Tag(t) => {
                            info.tags.push(TypeIndex(t.func_type_idx));
                            info.num_imported_tags += 1;
                            EntityIndex::Tag(TagIndex::from_usize(info.tags.len() - 1))
                        }
                    };
                    info.imports.push(Import {
                        module: import.module.into(),
                        name: import.name.into(),
                        index,
                        exact: matches!(import.ty, TypeRef::FuncExact(_)),
                    });
                }
            }
            Payload::FunctionSection(s) => {
                for t in s {
                    info.functions.push(TypeIndex(t?));
                }
            }
            Payload::TableSection(s) => {
                for t in s {
                    let t = t?;
                    info.table_inits.push(match &t.init {
                        wasmparser::TableInit::RefNull => None,
                        wasmparser::TableInit::Expr(e) => Some(const_expr(e)?),
                    });
                    info.tables.push(table_type(&t.ty, &kinds)?);
                }
            }
            Payload::MemorySection(s) => {
                for m in s {
                    info.memories.push(memory_type(&m?)?);
                }
            }
            Payload::TagSection(s) => {
                for t in s {
                    info.tags.push(TypeIndex(t?.func_type_idx));
                }
            }
            Payload::GlobalSection(s) => {
                for g in s {
                    let g = g?;
                    info.globals.push(global_type(&g.ty, &kinds)?);
                    info.global_inits.push(const_expr(&g.init_expr)?);
                }
            }
            Payload::ExportSection(s) => {
                for e in s {
                    let e = e?;
                    let index = match e.kind {
                        ExternalKind::Func | ExternalKind::FuncExact => {
                            EntityIndex::Function(FuncIndex(e.index))
                        }
                        ExternalKind::Table => EntityIndex::Table(TableIndex(e.index)),
                        ExternalKind::Memory => EntityIndex::Memory(MemoryIndex(e.index)),
                        ExternalKind::Global => EntityIndex::Global(GlobalIndex(e.index)),
                        ExternalKind::Tag => EntityIndex::Tag(TagIndex(e.index)),
                    };
                    info.exports.push(Export {
                        name: e.name.into(),
                        index,
                    });
                }
            }
            Payload::StartSection { func, .. } => info.start = Some(FuncIndex(func)),
            Payload::ElementSection(s) => {
                for e in s {
                    let e = e?;
                    let (ty, items) = match e.items {
                        ElementItems::Functions(f) => {
                            let items = f
                                .into_iter()
                                .map(|i| Ok(ConstExpr::single(ConstOp::RefFunc(FuncIndex(i?)))))
                                .collect::<Result<Vec<_>>>()?;
                            (RefType::new(false, HeapType::Func), items)
                        }
                        ElementItems::Expressions(t, exprs) => {
                            let items = exprs
                                .into_iter()
                                .map(|x| const_expr(&x?))
                                .collect::<Result<Vec<_>>>()?;
                            (ref_type(t, &kinds[..])?, items)
                        }
                    };
                    let kind = match e.kind {
                        ElementKind::Passive => ElementSegmentKind::Passive,
                        ElementKind::Declared => ElementSegmentKind::Declared,
                        ElementKind::Active {
                            table_index,
                            offset_expr,
                        } => ElementSegmentKind::Active {
                            table: TableIndex(table_index.unwrap_or(0)),
                            offset: const_expr(&offset_expr)?,
                        },
                    };
                    info.elements.push(ElementSegment { kind, ty, items });
                }
            }
            Payload::DataSection(s) => {
                for d in s {
                    let d = d?;
                    let start = info.data_bytes.len();
                    info.data_bytes.extend_from_slice(d.data);
                    let kind = match d.kind {
                        DataKind::Passive => DataSegmentKind::Passive,
                        DataKind::Active {
                            memory_index,
                            offset_expr,
                        } => DataSegmentKind::Active {
                            memory: MemoryIndex(memory_index),
                            offset: const_expr(&offset_expr)?,
                        },
                    };
                    info.data.push(DataSegment {
                        kind,
                        range: start..info.data_bytes.len(),
                    });
                }
            }
            Payload::CodeSectionEntry(body) => {
                info.func_body_offsets.push(body.range().start as u32);
                bodies.push(FunctionBodyInput { body })
            }
            Payload::CustomSection(c) if c.name() == "name" => {
                // Names are best-effort: a malformed name section is ignored.
                let reader = NameSectionReader::new(BinaryReader::new(c.data(), c.data_offset()));
                let _ = read_names(reader, &mut info);
            }
            _ => {}
        }
    }
    Ok((info, bodies))
}

fn read_names(reader: NameSectionReader<'_>, info: &mut ModuleInfo) -> Result<()> {
    for name in reader {
        match name? {
            Name::Module { name, .. } => info.name = Some(name.into()),
            Name::Function(map) => {
                for n in map {
                    let n = n?;
                    info.func_names.insert(FuncIndex(n.index), n.name.into());
                }
            }
            _ => {}
        }
    }
    Ok(())
}
