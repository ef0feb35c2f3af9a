package io.jgrad.nn;

import io.jgrad.autograd.Variable;
import java.util.ArrayList;
import java.util.List;

/**
 * Holds sub-modules in a list, as PyTorch's {@code nn.ModuleList}: children are named by their
 * index ({@code 0}, {@code 1}, …) so their parameters and state-dict keys read {@code 0.weight},
 * but it defines no forward: the owning module decides how to call them.
 */
public class ModuleList extends Module {
    private final List<Module> modules = new ArrayList<>();

    public ModuleList(Module... modules) {
        for (Module m : modules) {
            add(m);
        }
    }

    /** Appends a module, named by its index. */
    public ModuleList add(Module m) {
        if (m == null) {
            throw new IllegalArgumentException("ModuleList: module " + modules.size() + " is null");
        }
        registerModule(Integer.toString(modules.size()), m);
        modules.add(m);
        return this;
    }

    /** The module at {@code index}. */
    public Module get(int index) {
        if (index < 0 || index >= modules.size()) {
            throw new IndexOutOfBoundsException("ModuleList.get: index " + index + " out of range for size " + modules.size());
        }
        return modules.get(index);
    }

    /** The number of modules. */
    public int size() {
        return modules.size();
    }

    /** Always throws: a ModuleList has no forward of its own, as in PyTorch. */
    @Override
    public Variable forward(Variable x) {
        throw new UnsupportedOperationException("ModuleList has no forward; call its modules (get(i).forward(x))");
    }
}
