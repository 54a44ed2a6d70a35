package dev.actionqueues.deferred;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.deser.AbstractDeserializer;
import com.fasterxml.jackson.databind.deser.BasicDeserializerFactory;
import com.fasterxml.jackson.databind.deser.DefaultDeserializationContext;
import com.fasterxml.jackson.databind.deser.Deserializers;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import java.lang.reflect.Modifier;
import java.util.HashSet;
import java.util.Set;

/**
 * Checks at registration that a task's arguments' type can be read back from JSON, so that a type
 * Jackson cannot construct (an interface or abstract class without type information, anywhere in
 * the arguments) fails at {@code register}, not on the worker. Stateless.
 */
final class ArgumentTypes {

    private ArgumentTypes() {
    }

    /**
     * Checks {@code type} and, recursively, the types of its properties, elements and values.
     *
     * @throws IllegalArgumentException naming the first part that cannot be deserialised
     */
    static void checkDeserializable(ObjectMapper mapper, JavaType type, String task) {
        check(mapper, mapper.getDeserializationConfig(), type, "arguments", task, new HashSet<>());
    }

    private static void check(ObjectMapper mapper, DeserializationConfig config, JavaType type, String path,
            String task, Set<JavaType> seen) {
        if (!seen.add(type)) {
            return;
        }
        if (type.isContainerType()) {
            if (type.getKeyType() != null) {
                check(mapper, config, type.getKeyType(), path + " (map key)", task, seen);
            }
            check(mapper, config, type.getContentType(), path + " (element)", task, seen);
            return;
        }
        if (type.isReferenceType()) {
            check(mapper, config, type.getReferencedType(), path, task, seen);
            return;
        }
        Class<?> raw = type.getRawClass();
        if (raw.isPrimitive() || raw.isEnum() || raw == Object.class || JsonNode.class.isAssignableFrom(raw)
                || hasOwnDeserializer(mapper, config, type)) {
            return;
        }
        if (raw.getName().startsWith("java.")) {
            // The JDK's abstract types that Jackson reads (Number, CharSequence...) have a deserializer
            // of their own; one it cannot construct (Runnable, say) gets a placeholder that fails on use.
            if ((raw.isInterface() || Modifier.isAbstract(raw.getModifiers())) && isPlaceholder(mapper, config, type)) {
                throw new IllegalArgumentException("the arguments of task '" + task + "' cannot be read from JSON: "
                        + path + " is " + raw.getName() + ", which Jackson cannot construct; use a concrete type");
            }
            return;
        }
        if (raw.isInterface() || Modifier.isAbstract(raw.getModifiers())) {
            JavaType mapped = mapAbstractType(mapper, config, type);
            if (mapped.getRawClass() == raw) {
                throw new IllegalArgumentException("the arguments of task '" + task + "' cannot be read from JSON: "
                        + path + " is " + (raw.isInterface() ? "an interface" : "an abstract class") + " ("
                        + raw.getName() + ") without type information; use a concrete type, or annotate it with"
                        + " @JsonTypeInfo and @JsonSubTypes");
            }
            check(mapper, config, mapped, path, task, seen);
            return;
        }
        BeanDescription description = config.introspect(type);
        for (BeanPropertyDefinition p : description.findProperties()) {
            if (p.couldDeserialize()) {
                check(mapper, config, p.getPrimaryType(), path + "." + p.getName(), task, seen);
            }
        }
    }

    /** Whether Jackson's deserializer for {@code type} is the placeholder of a type it cannot construct. */
    private static boolean isPlaceholder(ObjectMapper mapper, DeserializationConfig config, JavaType type) {
        try {
            DeserializationContext context = ((DefaultDeserializationContext) mapper.getDeserializationContext())
                    .createInstance(config, null, mapper.getInjectableValues());
            return context.findRootValueDeserializer(type) instanceof AbstractDeserializer;
        } catch (JsonMappingException | RuntimeException e) {
            return true;
        }
    }

    /** The concrete type a module or resolver maps an abstract type to, or the type itself. */
    private static JavaType mapAbstractType(ObjectMapper mapper, DeserializationConfig config, JavaType type) {
        try {
            JavaType mapped = mapper.getDeserializationContext().getFactory().mapAbstractType(config, type);
            return mapped == null ? type : mapped;
        } catch (JsonMappingException e) {
            return type;
        }
    }

    /** Whether the type carries its own way to be read: type info, a deserializer, or a module's. */
    private static boolean hasOwnDeserializer(ObjectMapper mapper, DeserializationConfig config, JavaType type) {
        Class<?> raw = type.getRawClass();
        if (raw.isAnnotationPresent(JsonTypeInfo.class) || raw.isAnnotationPresent(JsonSubTypes.class)
                || raw.isAnnotationPresent(JsonDeserialize.class) || config.findMixInClassFor(raw) != null) {
            return true;
        }
        if (!(mapper.getDeserializationContext().getFactory() instanceof BasicDeserializerFactory factory)) {
            return false;
        }
        BeanDescription description = config.introspectClassAnnotations(type);
        for (Deserializers ds : factory.getFactoryConfig().deserializers()) {
            try {
                if (ds.findBeanDeserializer(type, config, description) != null) {
                    return true;
                }
            } catch (JsonMappingException e) {
                return false;
            }
        }
        return false;
    }
}
