# The tags LLVM's wasm exception handling throws with, which LLVM's
# compiler-rt defines and zig's does not: C++ exceptions (payload: a
# pointer to the exception object) and longjmp (payload: a pointer to the
# jump buffer and value).
    .globl __cpp_exception
    .tagtype __cpp_exception i32
__cpp_exception:

    .globl __c_longjmp
    .tagtype __c_longjmp i32
__c_longjmp:
