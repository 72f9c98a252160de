using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Skyhook.Controller.Storage;

internal sealed class AuditEntityConfiguration : IEntityTypeConfiguration<AuditEntity>
{
    public void Configure(EntityTypeBuilder<AuditEntity> builder)
    {
        builder.ToTable("audit");
        builder.Property(a => a.Actor).HasMaxLength(64);
        builder.Property(a => a.Source).HasMaxLength(64);
        builder.Property(a => a.Action).HasMaxLength(64);
        builder.Property(a => a.Subject).HasMaxLength(200);
    }
}
