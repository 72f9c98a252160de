using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Skyhook.Controller.Storage;

internal sealed class ControllerKeyEntityConfiguration : IEntityTypeConfiguration<ControllerKeyEntity>
{
    public void Configure(EntityTypeBuilder<ControllerKeyEntity> builder)
    {
        builder.ToTable("controller_keys");
        builder.HasKey(k => k.Name);
        builder.Property(k => k.Name).HasMaxLength(64);
        builder.Property(k => k.Value).HasMaxLength(20_000);
    }
}
