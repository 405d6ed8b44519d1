using System.Buffers.Binary;

namespace GhostCrate.Packaging.Content;

/// <summary>
/// Recognises compiled code by its first bytes, and by the file names native libraries and programs use. A crate
/// that ships object code can run anything on the machines that link it, and nobody can review it as source.
/// </summary>
internal static class NativeMagic
{
    /// <summary>Bytes read from the start of each file: enough for the PE header that "MZ" points at in practice.</summary>
    public const int HeadBytes = 1024;

    // Names cargo's build scripts and linkers use for libraries and programs (ELF, PE, Mach-O, static archives).
    private static readonly string[] NativeExtensions = [".so", ".dll", ".dylib", ".a", ".lib", ".exe", ".o", ".obj"];

    /// <summary>What the bytes are, or null when they are none of the formats below.</summary>
    public static string? Describe(ReadOnlySpan<byte> head)
    {
        // ELF: https://refspecs.linuxfoundation.org/elf/gabi4+/ch4.eheader.html (e_ident[EI_MAG0..3]).
        if (head.StartsWith("\u007fELF"u8)) return "ELF binary";
        // ar archives (static libraries .a/.lib, .rlib): the global header "!<arch>\n".
        if (head.StartsWith("!<arch>\n"u8)) return "ar archive (static library)";
        if (head.Length >= 4)
        {
            switch (BinaryPrimitives.ReadUInt32BigEndian(head))
            {
                // Mach-O (<mach-o/loader.h>): 32/64-bit, either byte order.
                case 0xFEEDFACE or 0xFEEDFACF or 0xCEFAEDFE or 0xCFFAEDFE:
                    return "Mach-O binary";
                // Universal ("fat") binaries (<mach-o/fat.h>). Java class files share 0xCAFEBABE; both are compiled code.
                case 0xCAFEBABE or 0xCAFEBABF:
                    return "Mach-O universal binary or Java class file";
            }
        }
        // PE: "MZ" alone is two printable letters, so also require the "PE\0\0" signature at e_lfanew (offset 0x3C),
        // https://learn.microsoft.com/en-us/windows/win32/debug/pe-format#signature-image-only.
        if (head.Length >= 0x40 && head[0] == (byte)'M' && head[1] == (byte)'Z')
        {
            var peOffset = BinaryPrimitives.ReadUInt32LittleEndian(head[0x3C..]);
            if (peOffset <= head.Length - 4 && head.Slice((int)peOffset, 4).SequenceEqual("PE\0\0"u8)) return "PE (Windows) binary";
        }
        return null;
    }

    /// <summary>The native-looking extension of a file name (`.so`, also versioned `.so.1.2`), or null.</summary>
    public static string? NativeExtension(string path)
    {
        var name = path[(path.LastIndexOf('/') + 1)..].ToLowerInvariant();
        foreach (var extension in NativeExtensions)
        {
            if (name.Length > extension.Length && name.EndsWith(extension, StringComparison.Ordinal)) return extension;
        }
        // libfoo.so.1, libfoo.so.1.2.3: shared objects carry their ABI version after the extension.
        var so = name.IndexOf(".so.", StringComparison.Ordinal);
        if (so > 0 && name[(so + 4)..].Split('.').All(part => part.Length > 0 && part.All(char.IsAsciiDigit))) return ".so";
        return null;
    }
}
