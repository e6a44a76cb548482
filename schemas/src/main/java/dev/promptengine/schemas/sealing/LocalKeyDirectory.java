package dev.promptengine.schemas.sealing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HexFormat;
import java.util.stream.Stream;
import javax.crypto.AEADBadTagException;

/**
 * The default {@link KeyProvider}: one directory per tenant (its name is the tenant's UTF-8 bytes in
 * hex), one file per KEK version ({@code v<n>.key}, 32 random bytes, mode 0600, directories 0700),
 * created on first use. Every process of one installation that seals or opens content points at the
 * same directory ({@code promptengine.privacy.key-directory}); destroying a tenant deletes its
 * directory. Production installations implement {@link KeyProvider} on their KMS instead.
 */
public final class LocalKeyDirectory implements KeyProvider {

    private static final boolean POSIX =
            FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

    private final Path root;

    public LocalKeyDirectory(Path root) {
        this.root = root;
        try {
            createPrivateDirectory(root);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create the key directory " + root, e);
        }
    }

    @Override
    public Wrapped wrap(String tenant, byte[] dataKey) {
        int version = currentVersion(tenant);
        if (version == 0) {
            version = create(tenant, 1);
        }
        return new Wrapped(version, Gcm.seal(read(tenant, version), dataKey, tenantBytes(tenant)));
    }

    @Override
    public byte[] unwrap(String tenant, int kekVersion, byte[] wrapped) {
        byte[] kek = read(tenant, kekVersion);
        try {
            return Gcm.open(kek, wrapped, tenantBytes(tenant));
        } catch (AEADBadTagException e) {
            throw new KeyUnavailableException(
                    KeyUnavailableException.WRONG_KEY,
                    "the data key does not open under key-encryption key v" + kekVersion + " of tenant " + tenant);
        }
    }

    @Override
    public boolean exists(String tenant, int kekVersion) {
        return Files.exists(file(tenant, kekVersion));
    }

    @Override
    public synchronized int rotate(String tenant) {
        return create(tenant, currentVersion(tenant) + 1);
    }

    @Override
    public synchronized int destroy(String tenant) {
        Path dir = tenantDirectory(tenant);
        int destroyed = 0;
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.toList()) {
                Files.delete(file);
                destroyed++;
            }
            Files.delete(dir);
        } catch (NoSuchFileException e) {
            return destroyed;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot destroy the keys of tenant " + tenant + " in " + dir, e);
        }
        return destroyed;
    }

    private int currentVersion(String tenant) {
        try (Stream<Path> files = Files.list(tenantDirectory(tenant))) {
            return files.map(p -> p.getFileName().toString())
                    .filter(name -> name.matches("v\\d+\\.key"))
                    .mapToInt(name -> Integer.parseInt(name.substring(1, name.length() - 4)))
                    .max()
                    .orElse(0);
        } catch (NoSuchFileException e) {
            return 0;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list the keys of tenant " + tenant, e);
        }
    }

    /** Creates KEK {@code version}; when another process created it first, that one is kept. */
    private int create(String tenant, int version) {
        Path file = file(tenant, version);
        try {
            createPrivateDirectory(file.getParent());
            Path temporary = Files.createTempFile(file.getParent(), "new-", ".tmp", privateFile());
            Files.write(temporary, Gcm.randomBytes(Gcm.KEY_BYTES), StandardOpenOption.TRUNCATE_EXISTING);
            try {
                Files.createLink(file, temporary); // atomic and fails when the version exists
            } catch (FileAlreadyExistsException e) {
                // another process won the race; its key is the one in use
            } finally {
                Files.delete(temporary);
            }
            return version;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create key-encryption key " + file, e);
        }
    }

    private byte[] read(String tenant, int version) {
        try {
            byte[] key = Files.readAllBytes(file(tenant, version));
            if (key.length != Gcm.KEY_BYTES) {
                throw new KeyUnavailableException(
                        KeyUnavailableException.WRONG_KEY,
                        "key-encryption key v" + version + " of tenant " + tenant + " has " + key.length
                                + " bytes, not " + Gcm.KEY_BYTES);
            }
            return key;
        } catch (NoSuchFileException e) {
            throw new KeyUnavailableException(
                    KeyUnavailableException.SHREDDED,
                    "key-encryption key v" + version + " of tenant " + tenant + " does not exist (shredded?)");
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read key-encryption key v" + version + " of tenant " + tenant, e);
        }
    }

    private Path tenantDirectory(String tenant) {
        return root.resolve(HexFormat.of().formatHex(tenantBytes(tenant)));
    }

    private Path file(String tenant, int version) {
        return tenantDirectory(tenant).resolve("v" + version + ".key");
    }

    private static byte[] tenantBytes(String tenant) {
        return tenant.getBytes(StandardCharsets.UTF_8);
    }

    private static void createPrivateDirectory(Path dir) throws IOException {
        if (POSIX) {
            Files.createDirectories(
                    dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } else {
            Files.createDirectories(dir);
        }
    }

    private static FileAttribute<?>[] privateFile() {
        return POSIX
                ? new FileAttribute<?>[] {
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))
                }
                : new FileAttribute<?>[0];
    }
}
