//! The `spectest` module the official test scripts import (with the
//! threads proposal's `shared_memory`).

use anyhow::Result;
use kiln::{
    Func, FuncType, Global, GlobalType, Linker, Memory, MemoryType, Store, Table, TableType, Val,
    ValType,
};

/// Defines `spectest` in `linker`: print functions, four globals, a table, a
/// memory and a shared memory.
pub fn define<T: 'static>(linker: &mut Linker<T>, store: &mut Store<T>) -> Result<()> {
    use ValType::*;
    let prints: [(&str, Vec<ValType>); 7] = [
        ("print", vec![]),
        ("print_i32", vec![I32]),
        ("print_i64", vec![I64]),
        ("print_f32", vec![F32]),
        ("print_f64", vec![F64]),
        ("print_i32_f32", vec![I32, F32]),
        ("print_f64_f64", vec![F64, F64]),
    ];
    for (name, params) in prints {
        let f = Func::new(&mut *store, FuncType::from_parts(params, []), |_, _, _| {
            Ok(())
        });
        linker.define(&*store, "spectest", name, f)?;
    }
    let globals = [
        ("global_i32", I32, Val::I32(666)),
        ("global_i64", I64, Val::I64(666)),
        ("global_f32", F32, Val::F32(666.6f32.to_bits())),
        ("global_f64", F64, Val::F64(666.6f64.to_bits())),
    ];
    for (name, ty, v) in globals {
        let g = Global::new(&mut *store, GlobalType { ty, mutable: false }, v)?;
        linker.define(&*store, "spectest", name, g)?;
    }
    let table = Table::new(
        &mut *store,
        TableType::new(kiln::RefType::FUNCREF, 10, Some(20)),
        kiln::Ref::Func(None),
    )?;
    linker.define(&*store, "spectest", "table", table)?;
    let memory = Memory::new(&mut *store, MemoryType::new(1, Some(2)))?;
    linker.define(&*store, "spectest", "memory", memory)?;
    let shared_memory = kiln::SharedMemory::new(store.engine(), MemoryType::shared(1, 2))?;
    linker.define(&*store, "spectest", "shared_memory", shared_memory)?;
    Ok(())
}
