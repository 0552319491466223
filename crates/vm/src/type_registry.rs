//! The Engine-wide registry of types: every distinct type (function, struct
//! or array, with its finality and supertype) gets one canonical
//! `VMSharedSignatureIndex`, which is what `call_indirect`, casts, imports
//! and every API check compare.
//!
//! Types are canonicalised a rec group at a time (the spec's iso-recursive
//! equivalence). A group's key is its types with references to types inside
//! the group written as [`HeapType::RecGroup`] positions and references to
//! earlier types as [`HeapType::Engine`] ids; two groups with equal keys are
//! the same types. Ids are reference counted per group and reused once the
//! last user is gone. A live group holds a reference on every group its key
//! names (supertypes included), so an id that some live type mentions is
//! never freed and reused for a different type.

use crate::vmcontext::VMSharedSignatureIndex;
use anyhow::{Result, bail};
use kiln_types::{EngineTypeIndex, FuncType, HeapType, SubType, ValType};
use std::collections::HashMap;
use std::sync::RwLock;

/// One registered type.
#[derive(Debug)]
struct Entry {
    /// The type with every reference as an engine id.
    ty: SubType,
    /// The key of its rec group.
    group: Box<[SubType]>,
    /// The engine ids of its supertype chain, from the root down to the
    /// type itself (`display[depth]` is the type's own id).
    display: Box<[u32]>,
}

/// One registered rec group.
#[derive(Debug)]
struct Group {
    ids: Box<[u32]>,
    users: usize,
}

#[derive(Default, Debug)]
struct Inner {
    groups: HashMap<Box<[SubType]>, Group>,
    entries: Vec<Option<Entry>>,
    free: Vec<u32>,
}

/// Canonical type ids for one Engine.
#[derive(Default, Debug)]
pub struct TypeRegistry {
    inner: RwLock<Inner>,
}

/// The engine ids a group key refers to outside the group.
fn dependencies(key: &[SubType]) -> impl Iterator<Item = u32> + '_ {
    key.iter()
        .flat_map(SubType::heap_types)
        .filter_map(|h| match h {
            HeapType::Engine(id, _) => Some(id.0),
            _ => None,
        })
}

impl Inner {
    fn allocate(&mut self) -> u32 {
        match self.free.pop() {
            Some(id) => id,
            None => {
                let id = u32::try_from(self.entries.len()).expect("too many types");
                assert!(id != u32::MAX, "too many types");
                self.entries.push(None);
                id
            }
        }
    }

    fn entry(&self, id: u32) -> Option<&Entry> {
        self.entries.get(id as usize)?.as_ref()
    }

    fn register_group(&mut self, key: Box<[SubType]>) -> Result<Vec<u32>> {
        if let Some(group) = self.groups.get_mut(&key) {
            group.users += 1;
            return Ok(group.ids.to_vec());
        }
        for t in key.iter() {
            for h in t.heap_types() {
                self.check_heap_type(h, key.len())?;
            }
        }
        let deps: Vec<u32> = dependencies(&key).collect();
        for dep in deps {
            self.retain(dep);
        }
        let ids: Vec<u32> = key.iter().map(|_| self.allocate()).collect();
        for (t, id) in key.iter().zip(&ids) {
            let ty = t.map_heap_types(&mut |h| match h {
                HeapType::RecGroup(i, k) => HeapType::Engine(EngineTypeIndex(ids[i as usize]), k),
                other => other,
            });
            // Supertypes come earlier (in an earlier group, or earlier in
            // this one), so their displays are already there.
            let mut display = match ty.supertype {
                Some(HeapType::Engine(s, _)) => self
                    .entry(s.0)
                    .map_or_else(Vec::new, |e| e.display.to_vec()),
                _ => Vec::new(),
            };
            display.push(*id);
            self.entries[*id as usize] = Some(Entry {
                ty,
                group: key.clone(),
                display: display.into_boxed_slice(),
            });
        }
        self.groups.insert(
            key,
            Group {
                ids: ids.clone().into_boxed_slice(),
                users: 1,
            },
        );
        Ok(ids)
    }

    /// Fails unless `h` names a live engine type of its kind or, in a rec
    /// group of `group_len` types being registered, a position in it.
    /// Module type indices are never engine types.
    fn check_heap_type(&self, h: HeapType, group_len: usize) -> Result<()> {
        match h {
            HeapType::Module(..) => {
                bail!("{h} is not an engine type: it uses a module type index")
            }
            HeapType::RecGroup(i, _) if i as usize >= group_len => {
                bail!("{h} is not an engine type: it names a rec-group position")
            }
            HeapType::Engine(id, kind) => match self.entry(id.0) {
                Some(e) if e.ty.kind() == kind => Ok(()),
                Some(_) => bail!("{h} names a type of another kind"),
                None => bail!("{h} names a type this engine does not know"),
            },
            _ => Ok(()),
        }
    }

    fn group_of(&mut self, id: u32) -> &mut Group {
        let entry = self.entries[id as usize].as_ref().expect("a live type");
        self.groups.get_mut(&entry.group).expect("a live group")
    }

    fn retain(&mut self, id: u32) {
        self.group_of(id).users += 1;
    }

    fn release(&mut self, id: u32) {
        let group = self.group_of(id);
        group.users -= 1;
        if group.users > 0 {
            return;
        }
        let key = self.entries[id as usize].as_ref().unwrap().group.clone();
        let group = self.groups.remove(&key).unwrap();
        for id in group.ids.iter() {
            self.entries[*id as usize] = None;
            self.free.push(*id);
        }
        for dep in dependencies(&key).collect::<Vec<_>>() {
            self.release(dep);
        }
    }

    /// Whether live type `a` is `b` or has it among its supertypes.
    fn is_subtype(&self, a: u32, b: u32) -> bool {
        if a == b {
            return true;
        }
        let (Some(a), Some(b)) = (self.entry(a), self.entry(b)) else {
            return false;
        };
        let depth = b.display.len() - 1;
        a.display.get(depth) == b.display.last()
    }
}

impl TypeRegistry {
    /// An empty registry.
    pub fn new() -> Self {
        Self::default()
    }

    /// Registers one more user of a rec group, given as its key (see the
    /// module docs), and returns the ids of its types. Fails if the key
    /// names a module type index or an id that is not registered.
    pub fn register_group(&self, key: Vec<SubType>) -> Result<Vec<VMSharedSignatureIndex>> {
        let mut inner = self.inner.write().unwrap();
        let ids = inner.register_group(key.into_boxed_slice())?;
        Ok(ids.into_iter().map(VMSharedSignatureIndex::new).collect())
    }

    /// Registers one more user of `ty`, a final function type with no
    /// supertype whose references are engine ids (as host functions'
    /// types are), and returns its id.
    pub fn register(&self, ty: &FuncType) -> Result<VMSharedSignatureIndex> {
        Ok(self.register_group(vec![SubType::func(ty.clone())])?[0])
    }

    /// Drops one user of the rec group `id` belongs to; the group's ids are
    /// freed with its last user.
    pub fn unregister(&self, id: VMSharedSignatureIndex) {
        self.inner.write().unwrap().release(id.bits());
    }

    /// The function type registered under `id` (references as engine ids),
    /// if it is live and a function type.
    pub fn lookup(&self, id: VMSharedSignatureIndex) -> Option<FuncType> {
        self.lookup_type(id)?.as_func().cloned()
    }

    /// The type registered under `id` (references as engine ids), if live.
    pub fn lookup_type(&self, id: VMSharedSignatureIndex) -> Option<SubType> {
        let inner = self.inner.read().unwrap();
        Some(inner.entry(id.bits())?.ty.clone())
    }

    /// Whether type `a` is type `b` or a subtype of it (by the declared
    /// supertype chain). Both must be live.
    pub fn is_subtype(&self, a: VMSharedSignatureIndex, b: VMSharedSignatureIndex) -> bool {
        self.inner.read().unwrap().is_subtype(a.bits(), b.bits())
    }

    /// [`Self::is_subtype`] for two concrete heap types in the engine's
    /// index space (what [`HeapType::matches_in`] asks).
    pub fn concrete_matches(&self, a: HeapType, b: HeapType) -> bool {
        match (a, b) {
            (HeapType::Engine(a, _), HeapType::Engine(b, _)) => self.is_subtype(
                VMSharedSignatureIndex::new(a.0),
                VMSharedSignatureIndex::new(b.0),
            ),
            _ => a == b,
        }
    }

    /// Whether `a` is a subtype of `b`, both in the engine's index space.
    pub fn val_type_matches(&self, a: ValType, b: ValType) -> bool {
        a.matches_in(b, &mut |x, y| self.concrete_matches(x, y))
    }

    /// Whether a function of engine-level type `a` may stand where one of
    /// type `b` is expected (see [`FuncType::matches_in`]).
    pub fn func_type_matches(&self, a: &FuncType, b: &FuncType) -> bool {
        a.matches_in(b, &mut |x, y| self.concrete_matches(x, y))
    }

    /// Fails unless every reference in `ty` names a live type of this
    /// engine, of the kind it says (what types given to the embedding API
    /// must do).
    pub fn check_engine_type(&self, ty: ValType) -> Result<()> {
        match ty.as_ref() {
            Some(r) => self.inner.read().unwrap().check_heap_type(r.heap_type, 0),
            None => Ok(()),
        }
    }

    /// Number of live types.
    pub fn len(&self) -> usize {
        let inner = self.inner.read().unwrap();
        inner.entries.iter().filter(|e| e.is_some()).count()
    }

    /// Whether no type is live.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use kiln_types::{CompositeType, FieldType, RefType, StorageType, StructType, TypeKind};

    fn reference(nullable: bool, h: HeapType) -> ValType {
        ValType::Ref(RefType::new(nullable, h))
    }

    fn engine(id: VMSharedSignatureIndex) -> HeapType {
        HeapType::Engine(EngineTypeIndex(id.bits()), TypeKind::Func)
    }

    #[test]
    fn dedups_counts_and_frees() {
        let r = TypeRegistry::new();
        let a = FuncType::from_parts([ValType::I32], []);
        let b = FuncType::from_parts([], [ValType::I64]);
        let ia = r.register(&a).unwrap();
        let ia2 = r.register(&a).unwrap();
        let ib = r.register(&b).unwrap();
        assert_eq!(ia, ia2);
        assert_ne!(ia, ib);
        assert_eq!(r.lookup(ib), Some(b.clone()));
        r.unregister(ia);
        assert_eq!(r.lookup(ia), Some(a.clone()));
        r.unregister(ia);
        assert_eq!(r.lookup(ia), None);
        assert_eq!(r.len(), 1);
        // The freed slot is reused.
        let c = FuncType::from_parts([ValType::F32], [ValType::F32]);
        assert_eq!(r.register(&c).unwrap(), ia);
    }

    #[test]
    fn types_that_differ_only_in_a_reference_are_different() {
        let r = TypeRegistry::new();
        let w = r.register(&FuncType::from_parts([], [])).unwrap();
        let v = r
            .register(&FuncType::from_parts([ValType::I32], []))
            .unwrap();
        let to_w = r
            .register(&FuncType::from_parts([], [reference(true, engine(w))]))
            .unwrap();
        let to_v = r
            .register(&FuncType::from_parts([], [reference(true, engine(v))]))
            .unwrap();
        let to_w_non_null = r
            .register(&FuncType::from_parts([], [reference(false, engine(w))]))
            .unwrap();
        let to_any = r
            .register(&FuncType::from_parts([], [ValType::FUNCREF]))
            .unwrap();
        let ids = [w, v, to_w, to_v, to_w_non_null, to_any];
        for (i, a) in ids.iter().enumerate() {
            for b in &ids[i + 1..] {
                assert_ne!(a, b);
            }
        }
    }

    #[test]
    fn a_referenced_type_outlives_its_referrers() {
        let r = TypeRegistry::new();
        let w = r.register(&FuncType::from_parts([], [])).unwrap();
        let to_w = r
            .register(&FuncType::from_parts([reference(true, engine(w))], []))
            .unwrap();
        r.unregister(w);
        // `to_w` still names `w`, so `w` must not be reused.
        assert!(r.lookup(w).is_some());
        let other = r
            .register(&FuncType::from_parts([ValType::F64], []))
            .unwrap();
        assert_ne!(other, w);
        r.unregister(to_w);
        assert!(r.lookup(w).is_none());
        assert!(r.lookup(to_w).is_none());
    }

    #[test]
    fn self_references_canonicalise_by_rec_group_position() {
        let r = TypeRegistry::new();
        let key = || {
            vec![FuncType::from_parts(
                [reference(true, HeapType::RecGroup(0, TypeKind::Func))],
                [],
            )]
        };
        let a = r
            .register_group(key().into_iter().map(SubType::func).collect())
            .unwrap();
        let b = r
            .register_group(key().into_iter().map(SubType::func).collect())
            .unwrap();
        assert_eq!(a, b);
        let ty = r.lookup(a[0]).unwrap();
        assert_eq!(ty.param_types()[0], reference(true, engine(a[0])));
    }

    #[test]
    fn rejects_unregistered_and_module_relative_references() {
        let r = TypeRegistry::new();
        let dangling = HeapType::Engine(EngineTypeIndex(42), TypeKind::Func);
        assert!(
            r.register(&FuncType::from_parts([reference(true, dangling)], []))
                .is_err()
        );
        let module = HeapType::Module(kiln_types::TypeIndex(0), TypeKind::Func);
        assert!(
            r.register(&FuncType::from_parts([reference(true, module)], []))
                .is_err()
        );
        assert!(
            r.register(&FuncType::from_parts(
                [reference(true, HeapType::RecGroup(1, TypeKind::Func))],
                []
            ))
            .is_err()
        );
    }

    fn struct_of(fields: &[ValType]) -> CompositeType {
        CompositeType::Struct(StructType {
            fields: fields
                .iter()
                .map(|t| FieldType::new(false, StorageType::Val(*t)))
                .collect(),
        })
    }

    fn sub(is_final: bool, supertype: Option<HeapType>, composite: CompositeType) -> SubType {
        SubType {
            is_final,
            supertype,
            composite,
        }
    }

    fn engine_struct(id: VMSharedSignatureIndex) -> HeapType {
        HeapType::Engine(EngineTypeIndex(id.bits()), TypeKind::Struct)
    }

    #[test]
    fn finality_and_supertypes_are_part_of_a_type() {
        let r = TypeRegistry::new();
        let open = r
            .register_group(vec![sub(false, None, struct_of(&[]))])
            .unwrap()[0];
        let closed = r
            .register_group(vec![sub(true, None, struct_of(&[]))])
            .unwrap()[0];
        assert_ne!(open, closed);
        let child = |parent| {
            sub(
                true,
                Some(engine_struct(parent)),
                struct_of(&[ValType::I32]),
            )
        };
        let under_open = r.register_group(vec![child(open)]).unwrap()[0];
        let again = r.register_group(vec![child(open)]).unwrap()[0];
        let plain = r
            .register_group(vec![sub(true, None, struct_of(&[ValType::I32]))])
            .unwrap()[0];
        assert_eq!(under_open, again);
        assert_ne!(under_open, plain);
    }

    #[test]
    fn subtyping_follows_the_declared_chain() {
        let r = TypeRegistry::new();
        let a = r
            .register_group(vec![sub(false, None, struct_of(&[]))])
            .unwrap()[0];
        let b = r
            .register_group(vec![sub(
                false,
                Some(engine_struct(a)),
                struct_of(&[ValType::I32]),
            )])
            .unwrap()[0];
        let c = r
            .register_group(vec![sub(
                true,
                Some(engine_struct(b)),
                struct_of(&[ValType::I32, ValType::I64]),
            )])
            .unwrap()[0];
        // The same shape as `b`, declared without a supertype.
        let d = r
            .register_group(vec![sub(false, None, struct_of(&[ValType::I32]))])
            .unwrap()[0];
        for (x, y) in [(a, a), (b, a), (c, a), (c, b)] {
            assert!(r.is_subtype(x, y));
        }
        for (x, y) in [(a, b), (b, c), (d, a), (c, d), (a, d)] {
            assert!(!r.is_subtype(x, y));
        }
        // A rec group that refers to itself through a supertype position.
        let group = r
            .register_group(vec![
                sub(false, None, struct_of(&[])),
                sub(
                    true,
                    Some(HeapType::RecGroup(0, TypeKind::Struct)),
                    struct_of(&[]),
                ),
            ])
            .unwrap();
        assert!(r.is_subtype(group[1], group[0]));
        assert!(!r.is_subtype(group[0], group[1]));
    }

    #[test]
    fn kinds_must_agree_with_the_registered_type() {
        let r = TypeRegistry::new();
        let s = r
            .register_group(vec![sub(true, None, struct_of(&[]))])
            .unwrap()[0];
        let as_func = HeapType::Engine(EngineTypeIndex(s.bits()), TypeKind::Func);
        assert!(r.check_engine_type(reference(true, as_func)).is_err());
        assert!(
            r.check_engine_type(reference(true, engine_struct(s)))
                .is_ok()
        );
    }
}
