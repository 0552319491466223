// Kiln GC test program: exercises classes, inheritance, generics, collections,
// strings, lambdas, boxing, exceptions (try/catch/finally), recursion.
sealed class Expr {
    abstract fun eval(env: Map<String, Int>): Int
}
data class Num(val v: Int) : Expr() { override fun eval(env: Map<String, Int>) = v }
data class Var(val name: String) : Expr() {
    override fun eval(env: Map<String, Int>) = env[name] ?: throw IllegalStateException("unbound $name")
}
data class Add(val l: Expr, val r: Expr) : Expr() { override fun eval(env: Map<String, Int>) = l.eval(env) + r.eval(env) }
data class Mul(val l: Expr, val r: Expr) : Expr() { override fun eval(env: Map<String, Int>) = l.eval(env) * r.eval(env) }
data class Div(val l: Expr, val r: Expr) : Expr() {
    override fun eval(env: Map<String, Int>): Int {
        val d = r.eval(env)
        if (d == 0) throw ArithmeticException("division by zero")
        return l.eval(env) / d
    }
}

class Node<T : Comparable<T>>(val key: T) { var left: Node<T>? = null; var right: Node<T>? = null }
class Bst<T : Comparable<T>> {
    private var root: Node<T>? = null
    var size = 0; private set
    fun insert(k: T) {
        if (root == null) { root = Node(k); size++; return }
        var n = root!!
        while (true) {
            val c = k.compareTo(n.key)
            if (c == 0) return
            if (c < 0) { if (n.left == null) { n.left = Node(k); size++; return }; n = n.left!! }
            else { if (n.right == null) { n.right = Node(k); size++; return }; n = n.right!! }
        }
    }
    fun inorder(out: MutableList<T>) { fun go(n: Node<T>?) { if (n == null) return; go(n.left); out.add(n.key); go(n.right) }; go(root) }
}

fun fib(n: Int): Long = if (n < 2) n.toLong() else fib(n - 1) + fib(n - 2)

fun main() {
    println("Hello from Kotlin/Wasm (WASI)!")
    val e = Add(Mul(Num(6), Var("x")), Div(Num(100), Var("y")))
    println("expr = $e")
    println("eval(x=7,y=4) = ${e.eval(mapOf("x" to 7, "y" to 4))}")
    try { e.eval(mapOf("x" to 1, "y" to 0)) } catch (ex: ArithmeticException) { println("caught: ${ex.message}") }
    try { e.eval(mapOf("x" to 1)) } catch (ex: IllegalStateException) { println("caught: ${ex.message}") } finally { println("finally ran") }

    val t = Bst<Int>()
    var seed = 12345
    repeat(2000) { seed = (seed * 1103515245 + 12345) and 0x7fffffff; t.insert(seed % 1000) }
    val keys = mutableListOf<Int>(); t.inorder(keys)
    println("bst size=${t.size} first=${keys.take(5)} last=${keys.takeLast(3)}")

    val words = "the quick brown fox jumps over the lazy dog the end".split(" ")
    val freq = words.groupingBy { it }.eachCount().toList().sortedWith(compareBy({ -it.second }, { it.first }))
    println("freq=${freq.take(3)}")
    val sb = StringBuilder(); for (w in words.map { it.uppercase() }.filter { it.length > 3 }) sb.append(w).append('-')
    println("sb=$sb")

    // allocate lots of garbage to exercise GC
    var total = 0L
    for (i in 0 until 200_000) { val arr = IntArray(16) { it * i }; val l = listOf(arr.sum().toLong(), i.toLong()); total += l[0] % 7 + l[1] % 3 }
    println("garbage total=$total")
    println("fib(25)=${fib(25)}")
    val boxed: List<Any?> = listOf(1, 2.5, "s", null, 'c', 3L, listOf(1))
    println("types=${boxed.map { when (it) { is Int -> "Int"; is Double -> "Double"; is String -> "String"; null -> "null"; is Char -> "Char"; is Long -> "Long"; else -> "Other" } }}")
}
