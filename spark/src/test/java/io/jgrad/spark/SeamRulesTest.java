package io.jgrad.spark;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaAccess;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaMethodCall;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The backend seam, enforced on the compiled classes of every module above core-tensor
 * (autograd, nn, optim, train, data, spark; this module's test classpath sees them all): values
 * move between ND4J memory and the JVM only through {@code io.jgrad.tensor} and
 * {@code io.jgrad.tensor.backend}, whose one chokepoint ({@code Transfers}) counts each copy for
 * {@code Backend.hostTransfers()}. A class up there that read an {@code INDArray}'s elements
 * itself, or created an array from JVM data, would be a copy the counter never sees (and on a
 * GPU, a stall no test could catch).
 */
class SeamRulesTest {
    private static final String[] ABOVE_THE_BACKEND = {"io.jgrad.autograd..", "io.jgrad.nn..", "io.jgrad.optim..",
        "io.jgrad.train..", "io.jgrad.data..", "io.jgrad.spark.."};

    /** INDArray methods that copy elements into the JVM or write JVM values into the array. */
    private static final Set<String> ELEMENT_ACCESS = Set.of("getDouble", "getFloat", "getInt", "getLong",
            "getNumber", "putScalar", "sumNumber", "meanNumber", "norm1Number", "norm2Number", "normmaxNumber",
            "amaxNumber", "aminNumber", "maxNumber", "minNumber", "stdNumber", "varNumber", "prodNumber",
            "toDoubleVector", "toFloatVector", "toIntVector", "toLongVector", "toDoubleMatrix", "toFloatMatrix",
            "toIntMatrix", "toLongMatrix", "data");

    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.jgrad");
        for (String name : new String[] {"io.jgrad.autograd.Variable", "io.jgrad.nn.Losses", "io.jgrad.optim.Adam",
            "io.jgrad.train.Trainer", "io.jgrad.data.Dataset", "io.jgrad.spark.SparkTrainer"}) {
            assertTrue(classes.contain(name), "the rules see " + name);
        }
    }

    @Test
    void noElementOfAnNd4jArrayIsReadOrWrittenAboveTheBackend() {
        ArchRule rule = noClasses().that().resideInAnyPackage(ABOVE_THE_BACKEND)
                .should().callMethodWhere(onInDArray(ELEMENT_ACCESS))
                .because("element reads and writes go through io.jgrad.tensor (Tensor.item, toFloatArray, ...) and "
                        + "the backend, which count them for Backend.hostTransfers()");
        rule.check(classes);
    }

    @Test
    void noNd4jArrayIsCreatedFromJvmDataAboveTheBackend() {
        ArchRule rule = noClasses().that().resideInAnyPackage(ABOVE_THE_BACKEND)
                .should().callMethodWhere(uploadFromJvmData())
                .orShould().dependOnClassesThat().haveFullyQualifiedName("org.nd4j.linalg.api.buffer.DataBuffer")
                .because("uploads go through Tensor.of / Tensor.gatherRows and the backend, which count them");
        rule.check(classes);
    }

    @Test
    void nd4jFactoriesTransformsAndCustomOpsAreOnlyUsedThroughTheBackend() {
        ArchRule rule = noClasses().that().resideInAnyPackage(ABOVE_THE_BACKEND)
                .should().dependOnClassesThat().haveFullyQualifiedName("org.nd4j.linalg.factory.Nd4j")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("org.nd4j.linalg.ops.transforms.Transforms")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("org.nd4j.linalg.indexing.BooleanIndexing")
                .orShould().dependOnClassesThat().resideInAnyPackage("org.nd4j.linalg.api.ops..",
                        "org.nd4j.linalg.api.memory..", "org.nd4j.linalg.cpu..",
                        "org.nd4j.linalg.jcublas..", "org.nd4j.nativeblas..", "org.bytedeco..")
                .because("ND4J's factories, element-wise functions and ops are reached through io.jgrad.tensor.backend "
                        + "(Ops, NdArrays), so that what runs on the device is decided in one package; the engine "
                        + "passes INDArray values around and uses their own methods, and Variable.fromOp stays the "
                        + "public extension point");
        rule.check(classes);
    }

    private static DescribedPredicate<JavaMethodCall> onInDArray(Set<String> names) {
        return DescribedPredicate.describe("an INDArray method that reads or writes elements " + names,
                call -> names.contains(call.getName()) && ownerIs(call, "org.nd4j.linalg.api.ndarray.INDArray"));
    }

    /** {@code Nd4j.create(...)} / {@code createFromArray(...)} taking a JVM array of values. */
    private static DescribedPredicate<JavaMethodCall> uploadFromJvmData() {
        return DescribedPredicate.describe("Nd4j.create/createFromArray from a JVM array of values", call -> {
            if (!call.getTargetOwner().isEquivalentTo(org.nd4j.linalg.factory.Nd4j.class)
                    || !call.getName().startsWith("create")) {
                return false;
            }
            return call.getTarget().getRawParameterTypes().stream().anyMatch(t -> t.isArray()
                    && t.getComponentType().isPrimitive() && !t.getName().equals("[J") && !t.getName().equals("[I")
                    || t.isArray() && t.getComponentType().isArray());
        });
    }

    private static boolean ownerIs(JavaAccess<?> call, String type) {
        return call.getTargetOwner().getName().equals(type) || call.getTargetOwner().isAssignableTo(type);
    }
}
