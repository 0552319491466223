;; hello: the smallest round trip. `run` calls the host's `greet` import
;; once per number it is given, counting down, and returns how many calls
;; it made.
(module
  (import "host" "greet" (func $greet (param i32)))

  (func (export "run") (param $n i32) (result i32)
    (local $calls i32)
    (block $done
      (loop $again
        (br_if $done (i32.eqz (local.get $n)))
        (call $greet (local.get $n))
        (local.set $calls (i32.add (local.get $calls) (i32.const 1)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $again)))
    (local.get $calls)))
