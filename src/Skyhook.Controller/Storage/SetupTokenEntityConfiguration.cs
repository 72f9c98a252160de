using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Skyhook.Controller.Storage;

internal sealed class SetupTokenEntityConfiguration : IEntityTypeConfiguration<SetupTokenEntity>
{
    public void Configure(EntityTypeBuilder<SetupTokenEntity> builder)
    {
        builder.ToTable("setup_tokens");
        builder.Property(t => t.Id).ValueGeneratedNever();
        builder.Property(t => t.Hash).HasMaxLength(32);
    }
}
