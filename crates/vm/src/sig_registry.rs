//! The Engine-wide registry of function types: every distinct function type
//! gets one canonical `VMSharedSignatureIndex`, which is what `call_indirect`,
//! imports and every API check compare.
//!
//! Types are canonicalised a rec group at a time. A group's key is its
//! function types with references to types inside the group written as
//! [`HeapType::RecGroup`] positions and references to earlier types as
//! [`HeapType::Engine`] ids; two groups with equal keys are the same types.
//! Ids are reference counted per group and reused once the last user is
//! gone. A live group holds a reference on every group its key names, so an
//! id that some live type mentions is never freed and reused for a
//! different type.

use crate::vmcontext::VMSharedSignatureIndex;
use anyhow::{Result, bail};
use kiln_types::{EngineTypeIndex, FuncType, HeapType, ValType};
use std::collections::HashMap;
use std::sync::RwLock;

/// One registered type.
#[derive(Debug)]
struct Entry {
    /// The type with every reference as an engine id.
    ty: FuncType,
    /// The key of its rec group.
    group: Box<[FuncType]>,
}

/// One registered rec group.
#[derive(Debug)]
struct Group {
    ids: Box<[u32]>,
    users: usize,
}

#[derive(Default, Debug)]
struct Inner {
    groups: HashMap<Box<[FuncType]>, Group>,
    entries: Vec<Option<Entry>>,
    free: Vec<u32>,
}

/// Canonical function-type ids for one Engine.
#[derive(Default, Debug)]
pub struct SignatureRegistry {
    inner: RwLock<Inner>,
}

/// The engine ids a group key refers to outside the group.
fn dependencies(key: &[FuncType]) -> impl Iterator<Item = u32> + '_ {
    key.iter()
        .flat_map(|t| t.param_types().iter().chain(t.result_types()))
        .filter_map(|t| match t.as_ref()?.heap_type {
            HeapType::Engine(id) => Some(id.0),
            _ => None,
        })
}

impl Inner {
    fn allocate(&mut self) -> u32 {
        match self.free.pop() {
            Some(id) => id,
            None => {
                let id = u32::try_from(self.entries.len()).expect("too many signatures");
                assert!(id != u32::MAX, "too many signatures");
                self.entries.push(None);
                id
            }
        }
    }

    fn register_group(&mut self, key: Box<[FuncType]>) -> Result<Vec<u32>> {
        if let Some(group) = self.groups.get_mut(&key) {
            group.users += 1;
            return Ok(group.ids.to_vec());
        }
        for t in key.iter() {
            for v in t.param_types().iter().chain(t.result_types()) {
                self.check_reference(*v, key.len())?;
            }
        }
        let deps: Vec<u32> = dependencies(&key).collect();
        for dep in deps {
            self.retain(dep);
        }
        let ids: Vec<u32> = key.iter().map(|_| self.allocate()).collect();
        for (t, id) in key.iter().zip(&ids) {
            let ty = t.map_rec_group(&mut |i| HeapType::Engine(EngineTypeIndex(ids[i as usize])));
            self.entries[*id as usize] = Some(Entry {
                ty,
                group: key.clone(),
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

    /// Fails unless every reference in `v` names a live engine type or, in
    /// a rec group of `group_len` types being registered, a position in it.
    /// Module type indices are never engine types.
    fn check_reference(&self, v: ValType, group_len: usize) -> Result<()> {
        match v.as_ref().map(|r| r.heap_type) {
            Some(HeapType::Module(_)) => {
                bail!("{v} is not an engine type: it uses a module type index")
            }
            Some(HeapType::RecGroup(i)) if i as usize >= group_len => {
                bail!("{v} is not an engine type: it names a rec-group position")
            }
            Some(HeapType::Engine(id))
                if !matches!(self.entries.get(id.0 as usize), Some(Some(_))) =>
            {
                bail!("{v} names a function type this engine does not know")
            }
            _ => Ok(()),
        }
    }

    fn group_of(&mut self, id: u32) -> &mut Group {
        let entry = self.entries[id as usize]
            .as_ref()
            .expect("a live signature");
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
}

impl SignatureRegistry {
    /// An empty registry.
    pub fn new() -> Self {
        Self::default()
    }

    /// Registers one more user of a rec group, given as its key (see the
    /// module docs), and returns the ids of its types. Fails if the key
    /// names a module type index or an id that is not registered.
    pub fn register_group(&self, key: Vec<FuncType>) -> Result<Vec<VMSharedSignatureIndex>> {
        let mut inner = self.inner.write().unwrap();
        let ids = inner.register_group(key.into_boxed_slice())?;
        Ok(ids.into_iter().map(VMSharedSignatureIndex::new).collect())
    }

    /// Registers one more user of `ty`, a type whose references are engine
    /// ids (as host functions have), and returns its id.
    pub fn register(&self, ty: &FuncType) -> Result<VMSharedSignatureIndex> {
        Ok(self.register_group(vec![ty.clone()])?[0])
    }

    /// Drops one user of the rec group `id` belongs to; the group's ids are
    /// freed with its last user.
    pub fn unregister(&self, id: VMSharedSignatureIndex) {
        self.inner.write().unwrap().release(id.bits());
    }

    /// The type registered under `id` (references as engine ids), if live.
    pub fn lookup(&self, id: VMSharedSignatureIndex) -> Option<FuncType> {
        let inner = self.inner.read().unwrap();
        let entry = inner.entries.get(id.bits() as usize)?.as_ref()?;
        Some(entry.ty.clone())
    }

    /// Fails unless every reference in `ty` names a live function type of
    /// this engine (what types given to the embedding API must do).
    pub fn check_engine_type(&self, ty: ValType) -> Result<()> {
        self.inner.read().unwrap().check_reference(ty, 0)
    }

    /// Number of live signatures.
    pub fn len(&self) -> usize {
        let inner = self.inner.read().unwrap();
        inner.entries.iter().filter(|e| e.is_some()).count()
    }

    /// Whether no signature is live.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use kiln_types::RefType;

    fn reference(nullable: bool, h: HeapType) -> ValType {
        ValType::Ref(RefType::new(nullable, h))
    }

    fn engine(id: VMSharedSignatureIndex) -> HeapType {
        HeapType::Engine(EngineTypeIndex(id.bits()))
    }

    #[test]
    fn dedups_counts_and_frees() {
        let r = SignatureRegistry::new();
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
        let r = SignatureRegistry::new();
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
        let r = SignatureRegistry::new();
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
        let r = SignatureRegistry::new();
        let key = || {
            vec![FuncType::from_parts(
                [reference(true, HeapType::RecGroup(0))],
                [],
            )]
        };
        let a = r.register_group(key()).unwrap();
        let b = r.register_group(key()).unwrap();
        assert_eq!(a, b);
        let ty = r.lookup(a[0]).unwrap();
        assert_eq!(ty.param_types()[0], reference(true, engine(a[0])));
    }

    #[test]
    fn rejects_unregistered_and_module_relative_references() {
        let r = SignatureRegistry::new();
        let dangling = HeapType::Engine(EngineTypeIndex(42));
        assert!(
            r.register(&FuncType::from_parts([reference(true, dangling)], []))
                .is_err()
        );
        let module = HeapType::Module(kiln_types::TypeIndex(0));
        assert!(
            r.register(&FuncType::from_parts([reference(true, module)], []))
                .is_err()
        );
        assert!(
            r.register(&FuncType::from_parts(
                [reference(true, HeapType::RecGroup(1))],
                []
            ))
            .is_err()
        );
    }
}
