// C++ exceptions, compiled for wasm32-wasi with wasm exception handling:
// throw and catch across functions, destructors run while unwinding,
// rethrow, nested handlers, standard exceptions, catch (...), exceptions
// through virtual calls and function pointers, and many throws in a loop.
// Prints the same natively and under kiln.
#include <cstdio>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

static int live = 0;

struct Noisy {
    std::string name;
    explicit Noisy(std::string n) : name(std::move(n)) {
        ++live;
        std::printf("  make %s\n", name.c_str());
    }
    ~Noisy() {
        --live;
        std::printf("  drop %s\n", name.c_str());
    }
};

struct Custom {
    int code;
    std::string why;
};

[[gnu::noinline]] int descend(int n) {
    Noisy guard("level " + std::to_string(n));
    if (n == 0) throw std::runtime_error("reached the bottom");
    return descend(n - 1) + 1;
}

[[gnu::noinline]] void throw_custom(int code) {
    Noisy first("first"), second("second");
    auto third = std::make_unique<Noisy>("third, on the heap");
    throw Custom{code, "custom failure"};
}

struct Shape {
    virtual ~Shape() = default;
    virtual double area() const = 0;
};
struct Square : Shape {
    double side;
    explicit Square(double s) : side(s) {}
    double area() const override {
        if (side < 0) throw std::invalid_argument("negative side");
        return side * side;
    }
};

[[gnu::noinline]] int checked_divide(int a, int b) {
    if (b == 0) throw std::domain_error("division by zero");
    return a / b;
}

int rethrower() {
    try {
        descend(1);
    } catch (const std::exception& e) {
        std::printf("rethrowing after: %s\n", e.what());
        throw;
    }
    return 0;
}

int main() {
    std::printf("1. through frames\n");
    try {
        descend(3);
    } catch (const std::runtime_error& e) {
        std::printf("caught runtime_error: %s (live %d)\n", e.what(), live);
    }

    std::printf("2. a custom type\n");
    try {
        throw_custom(7);
    } catch (const Custom& c) {
        std::printf("caught Custom %d %s (live %d)\n", c.code, c.why.c_str(), live);
    }

    std::printf("3. rethrow\n");
    try {
        rethrower();
    } catch (const std::exception& e) {
        std::printf("caught again: %s\n", e.what());
    }

    std::printf("4. nested handlers, the inner one not matching\n");
    try {
        try {
            throw 42;
        } catch (const std::string&) {
            std::printf("wrong handler\n");
        }
    } catch (int x) {
        std::printf("caught int %d\n", x);
    }

    std::printf("5. virtual calls and function pointers\n");
    std::vector<std::unique_ptr<Shape>> shapes;
    shapes.push_back(std::make_unique<Square>(3));
    shapes.push_back(std::make_unique<Square>(-1));
    for (auto& s : shapes) {
        try {
            std::printf("area %.1f\n", s->area());
        } catch (const std::invalid_argument& e) {
            std::printf("invalid: %s\n", e.what());
        }
    }
    int (*op)(int, int) = checked_divide;
    for (int d : {2, 0, 5}) {
        try {
            std::printf("100 / %d = %d\n", d, op(100, d));
        } catch (const std::logic_error& e) {
            std::printf("logic_error: %s\n", e.what());
        }
    }

    std::printf("6. catch (...) and standard library exceptions\n");
    try {
        std::vector<int> v(3);
        std::printf("%d\n", v.at(10));
    } catch (const std::out_of_range&) {
        std::printf("out_of_range from vector::at\n");
    }
    try {
        throw 3.5;
    } catch (...) {
        std::printf("caught something\n");
    }

    std::printf("7. many throws\n");
    long sum = 0;
    for (int i = 0; i < 100000; i++) {
        try {
            if (i % 3 == 0) throw i;
            sum += 1;
        } catch (int x) {
            sum += x;
        }
    }
    std::printf("sum %ld, live %d\n", sum, live);

    std::printf("8. an exception that escapes main's callee is caught last\n");
    try {
        Noisy outer("outer");
        checked_divide(1, 0);
    } catch (...) {
        std::printf("done (live %d)\n", live);
    }
    return 0;
}
