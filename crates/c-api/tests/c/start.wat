;; start: a module whose start function fails. It first tells the host it
;; is running (so the test knows the start function really ran), then
;; calls $check, which reaches an `unreachable`.
;; Function indices: 0 = the import, 1 = $check, 2 = $start.
(module
  (import "host" "starting" (func $starting))
  (func $check
    (unreachable))
  (func $start
    (call $starting)
    (call $check))
  (start $start))
