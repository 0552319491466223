//! The Engine-wide signature registry: structurally equal function types get
//! the same `VMSharedSignatureIndex`; ids are reference counted and reused
//! once the last user is gone.

use crate::vmcontext::VMSharedSignatureIndex;
use kiln_types::FuncType;
use std::collections::HashMap;
use std::sync::RwLock;

#[derive(Default, Debug)]
struct Inner {
    ids: HashMap<FuncType, u32>,
    entries: Vec<Option<(FuncType, usize)>>,
    free: Vec<u32>,
}

/// Canonical signature ids for one Engine.
#[derive(Default, Debug)]
pub struct SignatureRegistry {
    inner: RwLock<Inner>,
}

impl SignatureRegistry {
    /// An empty registry.
    pub fn new() -> Self {
        Self::default()
    }

    /// Registers one more user of `ty` and returns its id.
    pub fn register(&self, ty: &FuncType) -> VMSharedSignatureIndex {
        let mut inner = self.inner.write().unwrap();
        if let Some(&id) = inner.ids.get(ty) {
            inner.entries[id as usize].as_mut().unwrap().1 += 1;
            return VMSharedSignatureIndex::new(id);
        }
        let id = match inner.free.pop() {
            Some(id) => {
                inner.entries[id as usize] = Some((ty.clone(), 1));
                id
            }
            None => {
                let id = u32::try_from(inner.entries.len()).expect("too many signatures");
                assert!(id != u32::MAX, "too many signatures");
                inner.entries.push(Some((ty.clone(), 1)));
                id
            }
        };
        inner.ids.insert(ty.clone(), id);
        VMSharedSignatureIndex::new(id)
    }

    /// Drops one user of `id`; the id is freed with its last user.
    pub fn unregister(&self, id: VMSharedSignatureIndex) {
        let mut inner = self.inner.write().unwrap();
        let slot = &mut inner.entries[id.bits() as usize];
        let (_, count) = slot.as_mut().expect("unregistering a free signature");
        *count -= 1;
        if *count == 0 {
            let (ty, _) = slot.take().unwrap();
            inner.ids.remove(&ty);
            inner.free.push(id.bits());
        }
    }

    /// The type registered under `id`, if it is live.
    pub fn lookup(&self, id: VMSharedSignatureIndex) -> Option<FuncType> {
        let inner = self.inner.read().unwrap();
        inner
            .entries
            .get(id.bits() as usize)?
            .as_ref()
            .map(|(t, _)| t.clone())
    }

    /// Number of live signatures.
    pub fn len(&self) -> usize {
        self.inner.read().unwrap().ids.len()
    }

    /// Whether no signature is live.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use kiln_types::ValType;

    #[test]
    fn dedups_counts_and_frees() {
        let r = SignatureRegistry::new();
        let a = FuncType::new([ValType::I32], []);
        let b = FuncType::new([], [ValType::I64]);
        let ia = r.register(&a);
        let ia2 = r.register(&a);
        let ib = r.register(&b);
        assert_eq!(ia, ia2);
        assert_ne!(ia, ib);
        assert_eq!(r.lookup(ib), Some(b.clone()));
        r.unregister(ia);
        assert_eq!(r.lookup(ia), Some(a.clone()));
        r.unregister(ia);
        assert_eq!(r.lookup(ia), None);
        assert_eq!(r.len(), 1);
        // The freed slot is reused.
        let c = FuncType::new([ValType::F32], [ValType::F32]);
        assert_eq!(r.register(&c), ia);
    }
}
